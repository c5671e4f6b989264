use kwar_inventory::{Container, Object, ObjectId};
use kwar_yaml::{Node, Pos};

/// The result of evaluating one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Pass,
    /// Could not be decided from the evidence given (e.g. a referenced object is absent).
    Unknown,
    Warn,
    Fail,
}

impl Verdict {
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Unknown => "unknown",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// What a finding is about: an object, optionally one container and one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub object: ObjectId,
    pub container: Option<String>,
    pub path: Option<String>,
    pub pos: Pos,
}

impl Subject {
    pub fn object(object: &Object) -> Subject {
        Subject {
            object: object.id,
            container: None,
            path: None,
            pos: object.pos(),
        }
    }

    pub fn container(object: &Object, container: &Container<'_>) -> Subject {
        Subject {
            object: object.id,
            container: Some(container.name.to_string()),
            path: Some(container.path.clone()),
            pos: container.node.pos,
        }
    }

    /// Points at a field by its full dotted path; the position is the node's when it exists
    /// (a missing field is reported where its parent is).
    pub fn at(mut self, path: impl Into<String>, node: Option<&Node>) -> Subject {
        self.path = Some(path.into());
        if let Some(node) = node {
            self.pos = node.pos;
        }
        self
    }

    /// Points at a field below the current path.
    pub fn field(self, name: &str, node: Option<&Node>) -> Subject {
        let path = match &self.path {
            Some(p) => format!("{p}.{name}"),
            None => name.to_string(),
        };
        self.at(path, node)
    }
}

/// One reported result of a check.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub check: &'static str,
    pub verdict: Verdict,
    pub subject: Subject,
    pub message: String,
}

/// Everything one check produced: a verdict per evaluated subject, and a finding for each
/// subject that did not pass.
#[derive(Debug)]
pub struct Outcomes {
    pub check: &'static str,
    pub findings: Vec<Finding>,
    /// Every evaluation, passing ones included (scores need them).
    pub verdicts: Vec<(ObjectId, Verdict)>,
}

impl Outcomes {
    pub fn new(check: &'static str) -> Self {
        Outcomes {
            check,
            findings: Vec::new(),
            verdicts: Vec::new(),
        }
    }

    /// One subject of `object` passed.
    pub fn pass(&mut self, object: &Object) {
        self.verdicts.push((object.id, Verdict::Pass));
    }

    pub fn warn(&mut self, subject: Subject, message: impl Into<String>) {
        self.report(Verdict::Warn, subject, message.into());
    }

    pub fn fail(&mut self, subject: Subject, message: impl Into<String>) {
        self.report(Verdict::Fail, subject, message.into());
    }

    pub fn unknown(&mut self, subject: Subject, message: impl Into<String>) {
        self.report(Verdict::Unknown, subject, message.into());
    }

    fn report(&mut self, verdict: Verdict, subject: Subject, message: String) {
        self.verdicts.push((subject.object, verdict));
        self.findings.push(Finding {
            check: self.check,
            verdict,
            subject,
            message,
        });
    }

    pub fn count(&self, verdict: Verdict) -> usize {
        self.verdicts.iter().filter(|(_, v)| *v == verdict).count()
    }
}
