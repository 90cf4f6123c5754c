from django.db import migrations


def make_role_groups(apps, schema_editor):
    from commission.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("applicants", "0001_initial"),
        ("shoots", "0001_initial"),
    ]

    operations = [migrations.RunPython(make_role_groups, migrations.RunPython.noop)]
