use std::sync::LazyLock;

use regex::Regex;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Containers whose `command` (followed by `args`) starts a shell with an inline script —
    /// `sh`, `bash`, `ash`, `dash`, `zsh` or `ksh` (any path, also through `env` or
    /// `busybox`) with `-c` (alone or combined such as `-ec`) — in every workload outside the
    /// system namespaces, Jobs and CronJobs included. Init containers are out of scope: they
    /// have finished before the pod is ever asked to stop; native sidecars are in scope.
    /// Containers without a `command` run the image's entrypoint and are not judged.
    ///
    /// - Pass: the shell does not stay PID 1 or handles SIGTERM: it runs under a minimal init
    ///   (`tini`, `dumb-init`, `catatonit` in front of the shell); the script replaces itself
    ///   with `exec app …` (an `exec` followed only by redirections does not count); the
    ///   script traps `TERM` to forward it; or the script is a single simple command, which
    ///   `sh`/`dash`/`ash`/`bash`/`zsh` run through exec themselves.
    /// - Warn: any other script (several commands, pipes, loops, `&&`/`;` lists): the shell
    ///   is PID 1 without `exec`.
    ///
    /// Recent shells also replace themselves for the last command of some lists, but that
    /// depends on the shell and its version in the image; an explicit `exec` does not.
    ///
    /// ## Why it matters
    /// The kubelet stops a container by sending SIGTERM to its PID 1. A shell running as PID 1
    /// neither forwards the signal to its child nor dies from it (PID 1 ignores signals it has
    /// no handler for), so the application never learns it should drain: in-flight requests
    /// are cut when SIGKILL arrives at the end of `terminationGracePeriodSeconds`, and every
    /// rollout waits the full grace period.
    ///
    /// ## How to fix
    /// End the script with `exec`, or run it under a minimal init:
    /// ```yaml
    /// containers:
    ///   - name: worker
    ///     command: ["/bin/sh", "-c"]
    ///     args:
    ///       - |
    ///         ./migrate --check
    ///         exec ./worker --queue orders
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html#_gracefully_shutdown_applications>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination>
    "shell-pid1",
    run
}

const SHELLS: [&str; 6] = ["sh", "bash", "ash", "dash", "zsh", "ksh"];
const INITS: [&str; 5] = [
    "tini",
    "tini-static",
    "dumb-init",
    "catatonit",
    "docker-init",
];

/// `command` then `args`, as the container runtime receives them.
pub(crate) fn argv<'a>(c: &Container<'a>) -> Vec<String> {
    ["command", "args"]
        .iter()
        .flat_map(|k| c.get(k).map(Node::items).unwrap_or_default())
        .filter_map(Node::scalar_text)
        .collect()
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// An inline shell invocation: whether an init runs in front of it, and its script.
pub(crate) struct ShellScript {
    pub under_init: bool,
    pub script: String,
}

/// Finds `[init …] [env] [busybox] sh [opts] -c script` at the start of argv.
pub(crate) fn shell_script(argv: &[String]) -> Option<ShellScript> {
    let mut i = 0;
    let mut under_init = false;
    if argv.first().is_some_and(|a| INITS.contains(&basename(a))) {
        under_init = true;
        i += 1;
        // tini/dumb-init options, up to `--`.
        while let Some(a) = argv.get(i) {
            if a == "--" {
                i += 1;
                break;
            }
            if !a.starts_with('-') {
                break;
            }
            i += 1;
        }
    }
    if argv.get(i).is_some_and(|a| basename(a) == "env") {
        i += 1;
        while argv
            .get(i)
            .is_some_and(|a| a.starts_with('-') || a.contains('='))
        {
            i += 1;
        }
    }
    if argv.get(i).is_some_and(|a| basename(a) == "busybox") {
        i += 1;
    }
    if !argv.get(i).is_some_and(|a| SHELLS.contains(&basename(a))) {
        return None;
    }
    i += 1;
    let mut has_c = false;
    while let Some(a) = argv.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        let is_option = (a.starts_with('-') || a.starts_with('+')) && a.len() > 1;
        if !is_option {
            break;
        }
        if a == "-o" || a == "+o" || a == "-O" || a == "+O" {
            i += 2;
            continue;
        }
        if !a.starts_with("--") && a[1..].contains('c') {
            has_c = true;
        }
        i += 1;
    }
    if !has_c {
        return None;
    }
    Some(ShellScript {
        under_init,
        script: argv.get(i).cloned().unwrap_or_default(),
    })
}

static EXEC: LazyLock<Regex> = LazyLock::new(|| {
    // `exec` replacing the shell: followed by a command word, not only by redirections.
    Regex::new(r"(?m)(^|[;&|(){}]|\bthen|\bdo|\belse)\s*exec(\s+-[acl]+)*\s+[^\s<>&0-9]").unwrap()
});
static TRAP_TERM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\btrap\b[^\n]*\b(TERM|SIGTERM|15)\b").unwrap());
static FD_REDIRECT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9]*>&[0-9-]|&>>?").unwrap());
/// Quoted words: their content is an argument, not shell syntax.
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"'[^']*'|"[^"$`]*""#).unwrap());

/// A single simple command: the shell execs it instead of forking.
fn is_simple_command(script: &str) -> bool {
    let s = QUOTED.replace_all(script.trim(), "''");
    let s = FD_REDIRECT.replace_all(&s, "");
    let s = s.trim();
    !s.is_empty()
        && !s.contains(['\n', ';', '|', '&', '`', '(', ')', '{', '}'])
        && !s.contains("$(")
        && !s.split_whitespace().any(|w| {
            matches!(
                w,
                "while" | "until" | "for" | "if" | "case" | "trap" | "wait" | "then" | "do"
            )
        })
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            if c.is_init() || c.get("command").is_none() {
                continue;
            }
            let Some(shell) = shell_script(&argv(&c)) else {
                continue;
            };
            let script = shell.script.trim();
            if shell.under_init
                || EXEC.is_match(script)
                || TRAP_TERM.is_match(script)
                || is_simple_command(script)
            {
                out.pass(object);
                continue;
            }
            out.warn(
                Subject::container(object, &c).field("command", c.get("command")),
                format!(
                    "container `{}` runs a shell script as PID 1 without `exec`: SIGTERM may \
                     never reach the application",
                    c.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn finds_inline_shells() {
        assert!(shell_script(&s(&["/bin/sh", "-c", "x"])).is_some());
        assert!(shell_script(&s(&["bash", "-o", "pipefail", "-ec", "x"])).is_some());
        assert!(shell_script(&s(&["/usr/bin/env", "bash", "-c", "x"])).is_some());
        assert!(
            shell_script(&s(&["tini", "--", "sh", "-c", "x"]))
                .unwrap()
                .under_init
        );
        assert!(shell_script(&s(&["/bin/sh", "/entrypoint.sh"])).is_none());
        assert!(shell_script(&s(&["python", "-c", "x"])).is_none());
    }

    #[test]
    fn exec_detection() {
        assert!(EXEC.is_match("set -e\n./migrate\nexec ./server"));
        assert!(EXEC.is_match("cd /app && exec node server.js"));
        assert!(!EXEC.is_match("exec > /proc/1/fd/1 2>&1\n./server\n./after"));
        assert!(!EXEC.is_match("./executor run; ./x"));
        assert!(is_simple_command("nginx -g 'daemon off' 2>&1"));
        assert!(!is_simple_command("./a && ./b"));
        assert!(!is_simple_command("while true; do date; sleep 5; done"));
    }
}
