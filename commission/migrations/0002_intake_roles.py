from django.db import migrations


def sync_roles(apps, schema_editor):
    from commission.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("commission", "0001_role_groups"),
        ("applicants", "0002_intake"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
