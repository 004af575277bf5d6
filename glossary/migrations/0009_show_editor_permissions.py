"""Editors bring in shows: they curate shows and see the jobs that run."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_show", "change_show", "view_show", "view_job"]


def grant(apps, schema_editor):
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
    dependencies = [
        ("glossary", "0008_show_jobs"),
        ("glossary", "0003_editor_group"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
