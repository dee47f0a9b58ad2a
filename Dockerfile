# syntax=docker/dockerfile:1
# Stage 1: build the SPA into static files.
FROM node:20-bookworm-slim AS spa
WORKDIR /src/spa
COPY spa/ ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; else mkdir -p dist; fi

# Stage 2: a slim Python image running `comptoir run`.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    COMPTOIR_HOST=0.0.0.0 COMPTOIR_DATA_DIR=/var/lib/comptoir
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin comptoir \
 && mkdir -p /var/lib/comptoir && chown comptoir /var/lib/comptoir
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY api/ api/
COPY migrations/ migrations/
# Editable: the code stays in /app next to alembic.ini and migrations/ that `comptoir` reads.
RUN pip install --no-cache-dir -e .
COPY --from=spa /src/spa/dist/ spa/dist/
ENV COMPTOIR_SPA_DIST=/app/spa/dist
USER comptoir
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health')" || exit 1
CMD ["comptoir", "run"]
