from django.db import migrations


def sync_roles(apps, schema_editor):
    from commission.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    # Managers read the access log of personal data; logistics reads participants' passports.
    dependencies = [
        ("commission", "0007_heartbeat"),
        ("applicants", "0009_personal_data_access_log"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
