"""Curation in the Django admin, shaped like Django's own admin modules.

`forms`, `inlines`, `actions`, `filters` and `display` hold the parts; `terms`
(terms and labels), `citations`, `episodes` (episodes, segments),
`people` (naming, merging and deleting people), `shows` (feed import and the
job list) and `wikipedia` (the term's Wikipedia page) register and wire them.
Nothing here writes by itself: every save, delete, action and import calls a service.
"""

from django.contrib import admin

from . import citations, episodes, people, shows, terms  # noqa: F401  (registers)

# The review queue needs the width more than the app list needs a sidebar.
admin.site.enable_nav_sidebar = False
admin.site.site_header = "kb curation"
admin.site.site_title = "kb"
