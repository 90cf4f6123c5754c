from django.db import migrations


def sync_roles(apps, schema_editor):
    from commission.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("commission", "0005_shoots_roles"), ("shoots", "0004_logistics_support")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
