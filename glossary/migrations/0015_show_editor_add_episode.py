"""Editors bring in episodes: a feed import, an upload, the API alike.

The Editor group had `change_episode` (a new transcript for an episode) but
not `add_episode`, so an editor could add a show (0010) and not import its
episodes. Creating an episode destroys nothing (an identity collision is
refused, an editor's metadata kept), less than replacing a transcript, which
editors may already do; deleting episodes stays with superusers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_episode"]


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
    dependencies = [("glossary", "0014_show_candidate_rank_index")]
    operations = [migrations.RunPython(grant, revoke)]
