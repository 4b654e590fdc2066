FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY storage ./storage
RUN pip install --no-cache-dir . && useradd --create-home youthvoice && mkdir /data && chown youthvoice /data
USER youthvoice
ENV YOUTHVOICE_DATABASE=/data/youthvoice.db
VOLUME ["/data"]
CMD ["youthvoice", "run"]
