//! The real release binary in a real terminal: time from process start to the first frame,
//! peak resident memory of a full `--demo` run, and the stripped binary's size.
//!
//! - First frame: `v360-setup --demo` starts on a new 120x40 pseudo-terminal. The time runs
//!   from just before the spawn until the bytes of the first frame's last line ("q: quit")
//!   arrive on the terminal's master side. Repeated `FIRST_FRAME_RUNS` times (default 20).
//! - Peak memory: `--demo` runs in a 120x40 tmux pane and is driven through every step to the
//!   summary with `send-keys`. Just before it exits, `VmHWM` of its `/proc/PID/status` is the
//!   peak resident set size.
//! - Size: the binary copied to a temporary file and stripped with `strip`.
//!
//! Run with `cargo bench --bench terminal`; it needs tmux and strip (binutils).

#[cfg(unix)]
fn main() {
    unix::run();
}

#[cfg(not(unix))]
fn main() {
    println!("the terminal benchmark needs a Unix pseudo-terminal; skipped");
}

#[cfg(unix)]
mod unix {
    use std::fs::{File, OpenOptions};
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
    use rustix::termios::{tcsetwinsize, Winsize};

    const BINARY: &str = env!("CARGO_BIN_EXE_v360-setup");
    const DEFAULT_RUNS: usize = 20;
    /// The last words of the first frame's footer; ratatui draws rows top to bottom.
    const LAST_LINE_MARKER: &[u8] = b"quit";
    const CURSOR_POSITION_QUERY: &[u8] = b"\x1b[6n";
    const WAIT_LIMIT: Duration = Duration::from_secs(20);
    const POLL_INTERVAL: Duration = Duration::from_millis(50);

    pub fn run() {
        let runs = std::env::var("FIRST_FRAME_RUNS")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(DEFAULT_RUNS);
        let mut times: Vec<Duration> = (0..runs).map(|_| first_frame()).collect();
        times.sort();
        println!(
            "first frame of --demo at 120x40, {runs} runs: median {:.1} ms, max {:.1} ms",
            millis(times[times.len() / 2]),
            millis(times[times.len() - 1])
        );

        let peak_kib = demo_peak_memory();
        println!(
            "full --demo run to the summary: peak resident {:.1} MiB (VmHWM {peak_kib} kB)",
            peak_kib as f64 / 1024.0
        );

        let (unstripped, stripped) = binary_sizes();
        println!(
            "release binary v360-setup: {:.2} MiB, stripped {:.2} MiB ({stripped} bytes)",
            unstripped as f64 / 1_048_576.0,
            stripped as f64 / 1_048_576.0
        );
    }

    fn millis(duration: Duration) -> f64 {
        duration.as_secs_f64() * 1000.0
    }

    /// Opens a pseudo-terminal of 120x40 and returns its master and slave sides.
    fn pseudo_terminal() -> (File, File) {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let slave_path = ptsname(&master, Vec::new()).expect("ptsname");
        let slave_path = slave_path.to_str().expect("slave path is UTF-8").to_owned();
        let slave = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&slave_path)
            .expect("slave side opens");
        let size = Winsize {
            ws_row: 40,
            ws_col: 120,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        tcsetwinsize(&slave, size).expect("window size set");
        (File::from(master), slave)
    }

    /// Starts `--demo` on a new pseudo-terminal and returns the time until its first frame.
    fn first_frame() -> Duration {
        let (mut master, slave) = pseudo_terminal();
        let stdin = slave.try_clone().expect("slave fd");
        let stdout = slave.try_clone().expect("slave fd");

        let started = Instant::now();
        let mut child = Command::new(BINARY)
            .arg("--demo")
            .env("TERM", "xterm-256color")
            .stdin(Stdio::from(stdin))
            .stdout(Stdio::from(stdout))
            .stderr(Stdio::from(slave))
            .spawn()
            .expect("v360-setup starts");

        // The reader blocks, so it runs on its own thread and reports when the marker arrives.
        // It also replies to the cursor position query (`ESC [ 6 n`) as a terminal emulator
        // does, because crossterm waits for that reply before the first frame.
        let mut replies = master.try_clone().expect("master fd");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut answered = 0;
            let mut buffer = [0u8; 16 * 1024];
            while let Ok(count) = master.read(&mut buffer) {
                if count == 0 {
                    break;
                }
                seen.extend_from_slice(&buffer[..count]);
                let queries = count_occurrences(&seen, CURSOR_POSITION_QUERY);
                while answered < queries {
                    let _ = replies.write_all(b"\x1b[1;1R");
                    answered += 1;
                }
                if count_occurrences(&seen, LAST_LINE_MARKER) > 0 {
                    assert!(
                        count_occurrences(&seen, b"ConnectWise") > 0,
                        "the first frame lacks the Connect screen's title"
                    );
                    let _ = sender.send(started.elapsed());
                    break;
                }
            }
        });
        let elapsed = receiver
            .recv_timeout(WAIT_LIMIT)
            .expect("the first frame arrives within 20 s");
        child.kill().expect("wizard stopped");
        child.wait().expect("wizard reaped");
        elapsed
    }

    fn count_occurrences(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .filter(|window| *window == needle)
            .count()
    }

    /// A tmux server on its own socket, killed on drop.
    struct Tmux {
        socket: String,
    }

    impl Tmux {
        fn run(&self, args: &[&str]) -> String {
            let output = Command::new("tmux")
                .args(["-f", "/dev/null", "-L", &self.socket])
                .args(args)
                .output()
                .expect("tmux runs; install it with apt-get install tmux");
            assert!(
                output.status.success(),
                "tmux {args:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        }

        fn send(&self, key: &str) {
            self.run(&["send-keys", "-t", "bench", key]);
        }

        fn wait_for(&self, text: &str) {
            let deadline = Instant::now() + WAIT_LIMIT;
            loop {
                let screen = self.run(&["capture-pane", "-p", "-t", "bench"]);
                if screen.contains(text) {
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "{text:?} did not appear; last screen:\n{screen}"
                );
                std::thread::sleep(POLL_INTERVAL);
            }
        }
    }

    impl Drop for Tmux {
        fn drop(&mut self) {
            let _ = Command::new("tmux")
                .args(["-L", &self.socket, "kill-server"])
                .output();
        }
    }

    /// Drives `--demo` through every step and returns its peak resident set size in KiB.
    fn demo_peak_memory() -> u64 {
        let tmux = Tmux {
            socket: format!("v360-bench-{}", std::process::id()),
        };
        let command = format!("exec {BINARY} --demo");
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "bench",
            "-x",
            "120",
            "-y",
            "40",
            "sh",
            "-c",
            &command,
        ]);
        let pid = tmux
            .run(&["display-message", "-p", "-t", "bench", "#{pane_pid}"])
            .trim()
            .to_owned();

        tmux.wait_for("press Enter to connect");
        tmux.send("Enter");
        tmux.wait_for("Press Enter to find or create the role");
        tmux.send("Enter");
        tmux.wait_for("[missing]");
        tmux.send("d");
        tmux.wait_for("Every required permission is set");
        tmux.send("Enter");
        tmux.wait_for("(1 of");
        tmux.send("Enter");
        tmux.wait_for("Created the API member V360API");
        tmux.send("Enter");
        tmux.wait_for("API Keys tab");
        // The public key field takes typed letters, so `d` needs the route row selected.
        tmux.send("Up");
        tmux.send("d");
        tmux.wait_for("The sandbox created a key");
        tmux.send("Enter");
        tmux.wait_for("Key accepted");
        tmux.send("Enter");
        tmux.wait_for("(press v to show)");
        tmux.send("Enter");
        tmux.wait_for("Left to do:");

        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .expect("the wizard's /proc status is readable");
        let peak_kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");

        tmux.send("q");
        tmux.wait_for("Quit anyway? y/n");
        tmux.send("y");
        peak_kib
    }

    /// Returns the binary's size and its size after `strip`, in bytes.
    fn binary_sizes() -> (u64, u64) {
        let unstripped = std::fs::metadata(BINARY).expect("binary exists").len();
        let copy = std::env::temp_dir().join(format!("v360-setup-stripped-{}", std::process::id()));
        std::fs::copy(BINARY, &copy).expect("binary copied");
        let status = Command::new("strip")
            .arg(&copy)
            .status()
            .expect("strip runs; install binutils");
        assert!(status.success(), "strip failed");
        let stripped = std::fs::metadata(&copy).expect("stripped copy").len();
        let _ = std::fs::remove_file(&copy);
        (unstripped, stripped)
    }
}
