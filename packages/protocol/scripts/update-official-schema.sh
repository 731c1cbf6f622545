#!/usr/bin/env bash
# Regenerates official-schema/<version>/ from the real Codex binary of that version, then writes its manifest.
# Usage: scripts/update-official-schema.sh [VERSION]   (default 0.169.0)
set -euo pipefail
version="${1:-0.169.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/official-schema/$version"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pnpm dlx "@openai/codex@$version" app-server generate-json-schema --out "$work/schema"
rm -rf "$out"
mkdir -p "$out"
# The files the validator reads: the v2 bundle, the self-contained envelopes, and initialize's pair.
for name in codex_app_server_protocol.v2.schemas.json ClientRequest.json ClientNotification.json \
  ServerNotification.json ServerRequest.json RequestId.json JSONRPCError.json JSONRPCMessage.json \
  JSONRPCNotification.json JSONRPCRequest.json JSONRPCResponse.json; do
  cp "$work/schema/$name" "$out/"
done
cp "$work/schema/v1/InitializeParams.json" "$work/schema/v1/InitializeResponse.json" "$out/"
node "$here/scripts/official-schema-manifest.mjs" "$out" "$version"
echo "wrote $out"
