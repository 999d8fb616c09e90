from django.apps import AppConfig


class TranscriptsConfig(AppConfig):
    name = "transcripts"
    verbose_name = "转录稿"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import history, signals  # noqa: F401  (signals connects the receivers)

        history.register_models()
