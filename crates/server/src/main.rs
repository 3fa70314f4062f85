use clap::Parser as _;

fn main() -> anyhow::Result<()> {
    malloc::one_arena_per_core();
    actix_web::rt::System::new()
        .block_on(async { lectern_server::cli::run(lectern_server::cli::Cli::parse()).await })
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod malloc {
    /// glibc gives each thread that allocates an arena of its own, up to
    /// eight per core, and keeps what is freed in it for that thread. Each
    /// SQLite connection has a worker thread that allocates the rows it
    /// reads, so a long export grew the server by a few MiB per connection
    /// it happened to use: one arena per core keeps what runs at once
    /// apart and lets the rest share (docs/benchmarks.md, table 2d).
    pub fn one_arena_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a tunable, and main calls this before
        // any thread starts.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod malloc {
    pub fn one_arena_per_core() {}
}
