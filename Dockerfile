# Production image: gunicorn serves the app, whitenoise the static files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

# Pango for WeasyPrint (PDF reports), gettext to compile translations, a font with German glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY ihk ./ihk
COPY projects ./projects
COPY measures ./measures
COPY funding ./funding
COPY participation ./participation
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
# A throw-away key for the build steps only (production refuses short or development keys).
RUN pip install -e . \
    && export BUILD_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    && DEBUG=False SECRET_KEY="$BUILD_KEY" ALLOWED_HOSTS=localhost python manage.py compilemessages \
    && DEBUG=False SECRET_KEY="$BUILD_KEY" ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
    && useradd --system --home /app ihk \
    && mkdir -p /app/media && chown ihk /app/media

USER ihk
EXPOSE 8000
CMD ["gunicorn", "ihk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
