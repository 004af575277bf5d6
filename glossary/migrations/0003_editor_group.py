"""The "Editor" group: everything needed to curate the glossary, nothing more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editor"
# Models editors curate fully, and those they may only view and annotate.
CURATED = ["term", "alias", "citation", "termredirect", "person"]
ANNOTATED = ["episode", "segment", "appearance"]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now. The
    # historical app config has no models module, which create_permissions
    # takes as "nothing to do".
    app_config = apps.get_app_config("glossary")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}"
        for model in CURATED
        for action in ("add", "change", "delete", "view")
    ]
    codenames += [
        f"{action}_{model}" for model in ANNOTATED for action in ("change", "view")
    ]
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="glossary", codename__in=codenames
        )
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0002_citation_span_inside_segment"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, delete_group)]
