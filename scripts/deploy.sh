#!/usr/bin/env bash
# Deploys both functions as Cloud Run functions (2nd gen, Node.js 22) with gcloud.
# Usage: scripts/deploy.sh [--region REGION] [--dry-run]
# Needs: gcloud, a project (gcloud config set project ...), the Pub/Sub topic "orders".
set -euo pipefail
REGION="${REGION:-us-central1}"
TOPIC="${ORDERS_TOPIC:-orders}"
DRY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --region) REGION="$2"; shift 2 ;;
    --dry-run) DRY="echo"; shift ;;
    -h|--help) sed -n 2,4p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
if [ -z "$DRY" ] && ! command -v gcloud >/dev/null; then
  echo "gcloud is not installed; run with --dry-run to see the commands" >&2
  exit 2
fi
# Cloud Build runs "npm run gcp-build" (tsc) and serves package.json "main" (dist/functions/index.js).
# No OTEL_TRACES_EXPORTER: on the platform the functions default to Cloud Trace.
COMMON=(--gen2 --runtime=nodejs22 --region="$REGION" --source=. --set-env-vars="ORDERS_TOPIC=$TOPIC,FLUSH_TIMEOUT_MS=3000")
$DRY gcloud pubsub topics describe "$TOPIC" >/dev/null 2>&1 || $DRY gcloud pubsub topics create "$TOPIC"
$DRY gcloud functions deploy create-order "${COMMON[@]}" --entry-point=createOrder --trigger-http --no-allow-unauthenticated
$DRY gcloud functions deploy process-order "${COMMON[@]}" --entry-point=processOrder --trigger-topic="$TOPIC" --retry
