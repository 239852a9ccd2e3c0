"""Settings are split by environment: ``base`` (shared, read from the environment), ``local``
(the demo and developer default), ``test`` and ``production``. Pick one with
``DJANGO_SETTINGS_MODULE``."""
