"""Editors may view and change label senses (the proxy's own permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["change_labelsense", "view_labelsense"]


def grant(apps, schema_editor):
    # As in 0003: permissions are made after all migrations; make them now.
    app_config = apps.get_app_config("glossary")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editor").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="glossary", codename__in=CODENAMES
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editor").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="glossary", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("glossary", "0011_links_suppressions")]
    operations = [migrations.RunPython(grant, revoke)]
