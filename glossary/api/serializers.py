from rest_framework import serializers

from ..models import Episode


class EpisodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Episode
        fields = [
            "slug",
            "show",
            "number",
            "title",
            "published_on",
            "audio_url",
            "page_url",
            "duration",
        ]
