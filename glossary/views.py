"""Pages for readers."""

from django.shortcuts import render

from .models import Episode


def home(request):
    episodes = Episode.objects.all()
    return render(request, "glossary/home.html", {"episodes": episodes})
