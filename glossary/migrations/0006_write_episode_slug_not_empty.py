"""An episode's slug is never empty: readers' URLs and the sitemap use it.

The admin's "Add episode" once saved an empty slug; such rows get
`episode-<id>` before the constraint is added.
"""

from django.db import migrations, models


def fill_empty_slugs(apps, schema_editor):
    Episode = apps.get_model("glossary", "Episode")
    for episode in Episode.objects.filter(slug=""):
        episode.slug = f"episode-{episode.pk}"
        episode.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0005_search"),
    ]

    operations = [
        migrations.RunPython(fill_empty_slugs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="episode",
            constraint=models.CheckConstraint(
                condition=models.Q(("slug", ""), _negated=True),
                name="episode_slug_not_empty",
            ),
        ),
    ]
