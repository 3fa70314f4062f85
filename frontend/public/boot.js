import init from "/pkg/lectern_frontend.js";
init({ module_or_path: "/pkg/lectern_frontend_bg.wasm" });
