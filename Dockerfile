# The bot as a container: the wheel built and installed exactly as
# tests/packaging/test_installed_package.py does, run as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir build && python -m build --outdir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 bot
COPY --from=build /wheels /wheels
# The same pins as CI (requirements.lock, `make lock`).
COPY requirements.lock /requirements.lock
RUN python -m pip install --no-cache-dir -c /requirements.lock /wheels/*.whl && rm -rf /wheels
USER bot
WORKDIR /home/bot
ENV PORT=3000 LOG_FORMAT=json PYTHONUNBUFFERED=1
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"
# Migrate, then serve: the Procfile's release and web steps.
CMD ["sh", "-c", "practice-bot migrate && exec practice-bot serve"]
