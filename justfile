# Thin wrappers over `cargo xtask`, which needs nothing but cargo.
# `just` itself is optional: `pip install rust-just` or `cargo install just`.

# Build the SPA and serve everything on http://127.0.0.1:8080
run *args:
    cargo xtask run {{args}}

# The same, over a demo institute (every password: lectern-demo)
demo:
    cargo xtask run --demo

# Every suite CI runs
test:
    cargo xtask test

# Rewrite openapi/openapi.json from the code
openapi:
    cargo xtask openapi

# Build the SPA into frontend/dist
spa:
    cargo xtask spa

# The black-box tests on one database: sqlite, postgres or mysql
api-tests db="sqlite":
    TEST_DATABASE={{db}} cargo test -p lectern-server --test api

# Format and lint, as CI checks them
lint:
    cargo fmt --all
    cargo clippy --workspace --exclude lectern-frontend --all-targets -- -D warnings
    cargo clippy -p lectern-frontend -p lectern-api-types --target wasm32-unknown-unknown -- -D warnings

# schemathesis over openapi/openapi.json against a seeded server
harden seconds="120":
    cargo xtask harden --seconds {{seconds}}

# Every fuzz target for a while each (nightly toolchain)
fuzz seconds="120":
    cargo xtask fuzz --seconds {{seconds}}

# Lectern against its anchors, written to docs/benchmarks.md
bench *args:
    cargo xtask bench {{args}}

# Ten minutes of mixed load, reported in docs/benchmarks.md
soak minutes="10":
    cargo xtask soak --minutes {{minutes}}
