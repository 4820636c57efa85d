#!/usr/bin/env bash
# Brings GOV.UK Frontend's compiled CSS and JS (MIT) into crates/service/assets, from the npm
# registry, without what is reserved for GOV.UK itself: the GDS Transport font (its @font-face
# rules and the font named in font stacks) and the crown/crest image. Source maps are left out.
# Run it to move to another version; the result is committed.
set -euo pipefail
version="${1:-6.6.0}"
out="$(cd "$(dirname "$0")/.." && pwd)/crates/service/assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@$version" >/dev/null
tar xzf "govuk-frontend-$version.tgz"
dist=package/dist/govuk
python3 - "$dist/govuk-frontend.min.css" "$out/govuk-frontend.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"@font-face\{font-family:GDS Transport;[^}]*\}", "", css)
css = css.replace("font-family:GDS Transport,", "font-family:")
css = css.replace("url(/assets/images/govuk-crest.svg)", "none")
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
assert "GDS Transport" not in css and "url(" not in css, "a reserved asset is still referenced"
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
sed 's|//# sourceMappingURL=.*$||' "$dist/govuk-frontend.min.js" > "$out/govuk-frontend.min.js"
{
  echo "govuk-frontend $version, from the npm registry (package.json: \"license\": \"MIT\")."
  echo "Its README: \"Unless stated otherwise, the codebase is released under the MIT License.\""
  echo "Copyright (c) Crown copyright (Government Digital Service). Changed by scripts/vendor-govuk.sh:"
  echo "the GDS Transport font and the crest image are not included or referenced; no source maps."
} > "$out/GOVUK-FRONTEND.txt"
echo "GOV.UK Frontend $version → $out"
