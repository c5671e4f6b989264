//! `kwar.yaml` text → [`Config`], every problem collected with its position.

use chrono::NaiveDate;
use globset::GlobBuilder;
use kwar_catalog::Severity;
use kwar_yaml::{allowed_entries, parse_document, split_documents, Node, Pos, Value};
use regex::Regex;

use crate::{
    CheckSelection, Config, ConfigError, Exemption, Parameters, Pattern, Profile,
    SuppressionSettings,
};

const TOP_LEVEL_KEYS: &[&str] = &[
    "checks",
    "profile",
    "parameters",
    "suppressions",
    "exemptions",
    "rules",
];
const CHECKS_KEYS: &[&str] = &["disable", "enable", "severity"];
const PARAMETER_KEYS: &[&str] = &["systemNamespaces", "ownershipLabels"];
const SUPPRESSIONS_KEYS: &[&str] = &["inline"];
const EXEMPTION_KEYS: &[&str] = &[
    "checks",
    "namespaces",
    "kinds",
    "names",
    "labels",
    "reason",
    "expires",
];

pub(crate) fn parse_config(text: &str, file: &str) -> Result<Config, Vec<ConfigError>> {
    let mut reader = Reader {
        file,
        errors: Vec::new(),
        check_refs: Vec::new(),
    };
    let mut documents = Vec::new();
    for chunk in split_documents(text) {
        let parsed = parse_document(&chunk);
        for e in parsed.errors {
            reader.errors.push(ConfigError {
                file: file.to_string(),
                line: e.line,
                column: e.col.max(1),
                message: e.message,
                hint: None,
            });
        }
        documents.extend(parsed.documents);
    }
    if documents.len() > 1 {
        reader.error_at(
            documents[1].pos,
            "the config file holds more than one YAML document".into(),
            Some("keep everything in one document (remove the `---` line)".into()),
        );
    }
    let mut config = Config::default();
    if let Some(root) = documents.first().filter(|d| !d.is_null()) {
        reader.read_root(root, &mut config);
    }
    reader.validate_check_refs(&config);
    reader.errors.sort_by_key(|e| (e.line, e.column));
    if reader.errors.is_empty() {
        Ok(config)
    } else {
        Err(reader.errors)
    }
}

struct Reader<'f> {
    file: &'f str,
    errors: Vec<ConfigError>,
    /// Check ids the file names, validated once the custom rules are known.
    check_refs: Vec<(String, Pos)>,
}

impl Reader<'_> {
    fn error_at(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.errors
            .push(ConfigError::at(self.file, pos, message, hint));
    }

    /// The entries of a mapping whose keys are all in `allowed`; unknown keys are reported.
    fn mapping<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Vec<(&'n str, &'n Node)> {
        // A key written with nothing under it means "no settings", as in Kubernetes.
        if node.is_null() {
            return Vec::new();
        }
        if !node.is_map() {
            self.wrong_type(node, what, "a mapping");
            return Vec::new();
        }
        allowed_entries(node, what, allowed, self.file, &mut self.errors)
            .into_iter()
            .map(|(key, value)| (key.as_str().unwrap_or_default(), value))
            .collect()
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let found = match &node.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        };
        self.error_at(
            node.pos,
            format!("{what} must be {expected}, found {found}"),
            None,
        );
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    /// A list of strings; a single string is not accepted (lists stay lists).
    fn strings(&mut self, node: &Node, what: &str) -> Vec<(String, Pos)> {
        if node.is_null() {
            return Vec::new();
        }
        if !matches!(node.value, Value::Seq(_)) {
            self.wrong_type(node, what, "a list of strings");
            return Vec::new();
        }
        node.items()
            .iter()
            .filter_map(|item| {
                self.string(item, &format!("an entry of {what}"))
                    .map(|s| (s, item.pos))
            })
            .collect()
    }

    fn read_root(&mut self, root: &Node, config: &mut Config) {
        for (key, value) in self.mapping(root, "the config file", TOP_LEVEL_KEYS) {
            match key {
                "checks" => config.checks = self.read_checks(value),
                "profile" => config.profile = self.read_profile(value),
                "parameters" => config.parameters = self.read_parameters(value),
                "suppressions" => config.suppressions = self.read_suppressions(value),
                "exemptions" => config.exemptions = self.read_exemptions(value),
                "rules" => {
                    if matches!(value.value, Value::Seq(_)) {
                        config.rules = Some(value.clone());
                    } else if !value.is_null() {
                        self.wrong_type(value, "`rules`", "a list of custom rules");
                    }
                }
                _ => unreachable!("mapping() only returns allowed keys"),
            }
        }
    }

    fn read_checks(&mut self, node: &Node) -> CheckSelection {
        let mut selection = CheckSelection::default();
        for (key, value) in self.mapping(node, "`checks`", CHECKS_KEYS) {
            match key {
                "disable" | "enable" => {
                    let ids = self.strings(value, &format!("`checks.{key}`"));
                    self.check_refs.extend(ids.iter().cloned());
                    let ids = ids.into_iter().map(|(id, _)| id).collect();
                    if key == "disable" {
                        selection.disable = ids;
                    } else {
                        selection.enable = ids;
                    }
                }
                "severity" => {
                    if !value.is_map() {
                        self.wrong_type(
                            value,
                            "`checks.severity`",
                            "a mapping of check id to severity",
                        );
                        continue;
                    }
                    for (id_node, severity_node) in value.entries() {
                        let id = id_node.as_str().unwrap_or_default().to_string();
                        self.check_refs.push((id.clone(), id_node.pos));
                        match severity_node.as_str().and_then(Severity::from_id) {
                            Some(severity) => {
                                selection.severity.insert(id, severity);
                            }
                            None => self.error_at(
                                severity_node.pos,
                                format!(
                                    "`{}` is not a severity",
                                    severity_node.scalar_text().unwrap_or_default()
                                ),
                                Some("use one of: critical, high, medium, low, info".into()),
                            ),
                        }
                    }
                }
                _ => unreachable!("mapping() only returns allowed keys"),
            }
        }
        selection
    }

    fn read_profile(&mut self, node: &Node) -> Profile {
        match node.as_str() {
            Some("production") => Profile::Production,
            Some("development") => Profile::Development,
            _ => {
                self.error_at(
                    node.pos,
                    format!(
                        "`{}` is not a profile",
                        node.scalar_text().unwrap_or_default()
                    ),
                    Some("use `production` (the default) or `development`".into()),
                );
                Profile::Production
            }
        }
    }

    fn read_parameters(&mut self, node: &Node) -> Parameters {
        let mut parameters = Parameters::default();
        for (key, value) in self.mapping(node, "`parameters`", PARAMETER_KEYS) {
            let list = self
                .strings(value, &format!("`parameters.{key}`"))
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            match key {
                "systemNamespaces" => parameters.system_namespaces = Some(list),
                "ownershipLabels" => parameters.ownership_labels = Some(list),
                _ => unreachable!("mapping() only returns allowed keys"),
            }
        }
        parameters
    }

    fn read_suppressions(&mut self, node: &Node) -> SuppressionSettings {
        let mut settings = SuppressionSettings::default();
        for (key, value) in self.mapping(node, "`suppressions`", SUPPRESSIONS_KEYS) {
            match (key, value.as_bool()) {
                ("inline", Some(inline)) => settings.inline = inline,
                _ => self.wrong_type(value, &format!("`suppressions.{key}`"), "true or false"),
            }
        }
        settings
    }

    fn read_exemptions(&mut self, node: &Node) -> Vec<Exemption> {
        if node.is_null() {
            return Vec::new();
        }
        if !matches!(node.value, Value::Seq(_)) {
            self.wrong_type(node, "`exemptions`", "a list");
            return Vec::new();
        }
        node.items()
            .iter()
            .filter_map(|entry| self.read_exemption(entry))
            .collect()
    }

    fn read_exemption(&mut self, node: &Node) -> Option<Exemption> {
        let errors_before = self.errors.len();
        let mut exemption = Exemption {
            checks: Vec::new(),
            namespaces: Vec::new(),
            kinds: Vec::new(),
            names: Vec::new(),
            labels: Vec::new(),
            reason: String::new(),
            expires: None,
            file: self.file.to_string(),
            line: node.pos.line,
            column: node.pos.col,
        };
        let entries = self.mapping(node, "an exemption", EXEMPTION_KEYS);
        if !node.is_map() {
            return None;
        }
        let mut has_checks = false;
        for (key, value) in entries {
            match key {
                "checks" => {
                    has_checks = true;
                    for (id, pos) in self.strings(value, "`checks` of an exemption") {
                        if id != "*" {
                            self.check_refs.push((id.clone(), pos));
                            exemption.checks.push(id);
                        }
                    }
                    // `"*"` anywhere in the list means every check.
                    if value.items().iter().any(|i| i.as_str() == Some("*")) {
                        exemption.checks.clear();
                    }
                }
                "namespaces" | "names" => {
                    let patterns = self
                        .strings(value, &format!("`{key}` of an exemption"))
                        .into_iter()
                        .filter_map(|(text, pos)| self.pattern(&text, pos))
                        .collect();
                    if key == "namespaces" {
                        exemption.namespaces = patterns;
                    } else {
                        exemption.names = patterns;
                    }
                }
                "kinds" => {
                    for (kind, pos) in self.strings(value, "`kinds` of an exemption") {
                        if !kind.starts_with(|c: char| c.is_ascii_uppercase()) {
                            self.error_at(
                                pos,
                                format!("`{kind}` is not a Kubernetes kind"),
                                Some(
                                    "write kinds as manifests do, e.g. Deployment, CronJob".into(),
                                ),
                            );
                        }
                        exemption.kinds.push(kind);
                    }
                }
                "labels" => {
                    if !value.is_map() {
                        self.wrong_type(
                            value,
                            "`labels` of an exemption",
                            "a mapping of label to value",
                        );
                        continue;
                    }
                    for (k, v) in value.entries() {
                        match v.scalar_text() {
                            Some(text) => exemption
                                .labels
                                .push((k.as_str().unwrap_or_default().to_string(), text)),
                            None => self.wrong_type(v, "a label value", "a string"),
                        }
                    }
                }
                "reason" => {
                    if let Some(reason) = self.string(value, "`reason`") {
                        exemption.reason = reason.trim().to_string();
                    }
                }
                "expires" => exemption.expires = self.date(value),
                _ => unreachable!("mapping() only returns allowed keys"),
            }
        }
        if !has_checks {
            self.error_at(
                node.pos,
                "an exemption must say which checks it covers".into(),
                Some("add `checks: [check-id]`, or `checks: [\"*\"]` for every check".into()),
            );
        }
        if exemption.reason.is_empty() {
            self.error_at(
                node.pos,
                "an exemption must give a `reason`".into(),
                Some("say why the finding is accepted, e.g. `reason: \"batch job, retried by the scheduler\"`".into()),
            );
        }
        (self.errors.len() == errors_before).then_some(exemption)
    }

    fn pattern(&mut self, text: &str, pos: Pos) -> Option<Pattern> {
        if let Some(re) = text
            .strip_prefix('/')
            .and_then(|t| t.strip_suffix('/'))
            .filter(|re| !re.is_empty())
        {
            return match Regex::new(re) {
                Ok(re) => Some(Pattern::Regex(re)),
                Err(e) => {
                    self.error_at(pos, format!("bad regular expression `{text}`: {e}"), None);
                    None
                }
            };
        }
        match GlobBuilder::new(text).literal_separator(false).build() {
            Ok(glob) => Some(Pattern::Glob(glob.compile_matcher())),
            Err(e) => {
                self.error_at(
                    pos,
                    format!("bad glob `{text}`: {}", e.kind()),
                    Some(
                        "globs use `*`, `?` and `[abc]`; write a regular expression as `/regex/`"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    fn date(&mut self, node: &Node) -> Option<NaiveDate> {
        let text = node.scalar_text().unwrap_or_default();
        let parsed = (text.len() == 10)
            .then(|| NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok())
            .flatten();
        if parsed.is_none() {
            self.error_at(
                node.pos,
                format!("`{text}` is not a date"),
                Some(
                    "write the last day the exemption applies as YYYY-MM-DD, e.g. 2027-03-31"
                        .into(),
                ),
            );
        }
        parsed
    }

    /// Every check id the file names must be a built-in check or one of its custom rules
    /// (`custom:<id>`, as findings name them).
    fn validate_check_refs(&mut self, config: &Config) {
        let custom: Vec<String> = config
            .rules
            .iter()
            .flat_map(|rules| rules.items())
            .filter_map(|rule| rule.get("id").and_then(Node::as_str))
            .map(|id| format!("custom:{}", id.trim_start_matches("custom:")))
            .collect();
        let builtin = kwar_checks::all_checks();
        for (id, pos) in std::mem::take(&mut self.check_refs) {
            if builtin.iter().any(|c| c.id == id) || custom.contains(&id) {
                continue;
            }
            let similar: Vec<&str> = builtin
                .iter()
                .map(|c| c.id)
                .filter(|c| !id.is_empty() && (c.contains(id.as_str()) || id.contains(c)))
                .collect();
            let hint = if custom.contains(&format!("custom:{id}")) {
                format!("custom rules are named with their prefix: custom:{id}")
            } else if similar.is_empty() {
                "`kwar rules` lists every check id".to_string()
            } else {
                format!("did you mean {}?", similar.join(", "))
            };
            self.error_at(pos, format!("unknown check `{id}`"), Some(hint));
        }
    }
}
