# syntax=docker/dockerfile:1
# Two stages: the first installs the locked dependencies (cached until requirements.lock
# changes), then the bot itself, into a virtual environment; the second copies only that.
# Base images are pinned to exact releases; bump them deliberately.
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/study-circle
WORKDIR /src
COPY requirements.lock ./
RUN /opt/study-circle/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY content ./content
COPY bot ./bot
COPY cogs ./cogs
# A regular (non-editable) install: the content pack and the migrations ship inside it.
RUN /opt/study-circle/bin/pip install --no-deps .

FROM python:3.11.11-slim-bookworm
# pg_dump/pg_restore for `study-circle db backup|restore` on PostgreSQL (the compose file's
# PostgreSQL is 15, the client's major version).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 studycircle \
    && mkdir /data && chown studycircle /data
COPY --from=build /opt/study-circle /opt/study-circle
ENV PATH=/opt/study-circle/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/data HTTP_PORT=8080 LOG_FORMAT=json
USER studycircle
# Not the source folder: the installed package must find everything by itself.
WORKDIR /home/studycircle
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=4)"]
# The bot drains for up to 30 s on SIGTERM; compose allows it 45 s.
STOPSIGNAL SIGTERM
CMD ["study-circle"]
