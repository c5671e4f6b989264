//! What the review (`kwar review`) needs from the catalog beyond the checks: the shape of the
//! agenda (sections, kinds, parents and children), how far evidence can decide an item
//! (`automation`, `assessment`), the question with its choices and their risk, and the
//! items whose evidence rolls up into another one (`related_items`, `rollup`).

use std::fmt;

use kwar_yaml::Node;

use crate::CatalogError;

/// One section of the source agenda (`catalog.source.sections`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub area: String,
}

/// How far evidence decides an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Automation {
    /// Evidence decides.
    Full,
    /// Evidence decides some aspects, a question covers the rest.
    Partial,
    /// Only a person can answer.
    None,
}

impl Automation {
    pub fn from_id(id: &str) -> Option<Automation> {
        Some(match id {
            "full" => Automation::Full,
            "partial" => Automation::Partial,
            "none" => Automation::None,
            _ => return None,
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            Automation::Full => "full",
            Automation::Partial => "partial",
            Automation::None => "none",
        }
    }
}

/// Where an item's evidence can come from (`assessment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Assessment {
    Manifest,
    Cluster,
    Aws,
    Question,
}

impl Assessment {
    pub fn from_id(id: &str) -> Option<Assessment> {
        Some(match id {
            "manifest" => Assessment::Manifest,
            "cluster" => Assessment::Cluster,
            "aws" => Assessment::Aws,
            "question" => Assessment::Question,
            _ => return None,
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            Assessment::Manifest => "manifest",
            Assessment::Cluster => "cluster",
            Assessment::Aws => "aws",
            Assessment::Question => "question",
        }
    }
}

/// The risk a choice carries (the AWS Well-Architected Tool's HRI / MRI / no risk), ordered
/// from no risk to high risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChoiceRisk {
    None,
    Medium,
    High,
}

impl ChoiceRisk {
    pub fn from_id(id: &str) -> Option<ChoiceRisk> {
        Some(match id {
            "none" => ChoiceRisk::None,
            "medium" => ChoiceRisk::Medium,
            "high" => ChoiceRisk::High,
            _ => return None,
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            ChoiceRisk::None => "none",
            ChoiceRisk::Medium => "medium",
            ChoiceRisk::High => "high",
        }
    }
}

impl fmt::Display for ChoiceRisk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One answer a person can choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub text: String,
    pub risk: ChoiceRisk,
}

/// The question only a person can answer, with its choices in catalog order (best first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub text: String,
    pub choices: Vec<Choice>,
}

impl Question {
    pub fn choice(&self, id: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.id == id)
    }
}

pub(crate) fn sections(meta: &Node) -> Vec<Section> {
    meta.at(&["source", "sections"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|s| Section {
            id: text(s.get("id")),
            title: text(s.get("title")),
            area: text(s.get("area")),
        })
        .collect()
}

pub(crate) fn strings(node: Option<&Node>) -> Vec<String> {
    node.map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .collect()
}

pub(crate) fn automation(node: &Node, id: &str) -> Result<Automation, CatalogError> {
    let name = text(node.get("automation"));
    Automation::from_id(&name)
        .ok_or_else(|| CatalogError(format!("item {id}: unknown automation `{name}`")))
}

pub(crate) fn assessment(node: &Node, id: &str) -> Result<Vec<Assessment>, CatalogError> {
    strings(node.get("assessment"))
        .iter()
        .map(|m| {
            Assessment::from_id(m)
                .ok_or_else(|| CatalogError(format!("item {id}: unknown assessment mode `{m}`")))
        })
        .collect()
}

pub(crate) fn question(node: &Node, id: &str) -> Result<Option<Question>, CatalogError> {
    let Some(q) = node.get("question") else {
        return Ok(None);
    };
    let choices = q
        .get("choices")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let choice = text(c.get("id"));
            let risk = text(c.get("risk"));
            Ok(Choice {
                risk: ChoiceRisk::from_id(&risk).ok_or_else(|| {
                    CatalogError(format!("item {id}, choice {choice}: unknown risk `{risk}`"))
                })?,
                text: text(c.get("text")),
                id: choice,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if choices.is_empty() {
        return Err(CatalogError(format!(
            "item {id}: a question without choices"
        )));
    }
    Ok(Some(Question {
        text: text(q.get("text")),
        choices,
    }))
}

fn text(node: Option<&Node>) -> String {
    node.and_then(Node::scalar_text).unwrap_or_default()
}
