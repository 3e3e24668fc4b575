# The Lockstep app and CLI, for docker compose (Neo4j runs in its own container).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY ingest ./ingest
COPY samples ./samples
COPY analyses ./analyses
COPY lockstep ./lockstep
COPY app.py ./
COPY app_pages ./app_pages
RUN pip install -e . && useradd --create-home lockstep && mkdir -p /app/out && chown lockstep /app/out
USER lockstep
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", "--browser.gatherUsageStats=false"]
