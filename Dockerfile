# The MO API: the project installed into python:3.11-slim with `pip install .`.
# docker-compose.yml builds and runs it next to PostgreSQL; on its own:
#   docker build -t mo . && docker run -e MO_DATABASE_URL=postgresql://... -p 5000:5000 mo
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only what the package is built from, so .venv, var/ and local databases stay out.
COPY pyproject.toml README.md ./
COPY bitemporal/ bitemporal/
COPY mo/ mo/
COPY integrations/ integrations/
RUN pip install . \
 && mo warm \
 && useradd --system --uid 10001 --home-dir /app --no-create-home mo \
 && mkdir -p /app/var \
 && chown mo /app/var

# Without MO_DATABASE_URL the API falls back to an SQLite file in /app/var.
USER mo
ENV MO_PORT=5000
EXPOSE 5000

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health/live', timeout=2)"]

CMD ["sh", "-c", "mo db upgrade && mo serve --host 0.0.0.0"]
