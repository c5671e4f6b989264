use std::process::ExitCode;

use kwar_catalog::Catalog;
use kwar_checks::{all_checks, find_check};

use crate::cli::{ExplainArgs, RulesArgs};

pub fn explain(args: ExplainArgs) -> Result<ExitCode, String> {
    let catalog = Catalog::embedded();
    let check = find_check(&args.check).ok_or_else(|| match catalog.check(&args.check) {
        Some(spec) => format!(
            "`{}` is a catalog check of mode {:?} that kwar does not run on manifests yet",
            spec.id, spec.mode
        ),
        None => format!("unknown check `{}` (`kwar rules` lists them)", args.check),
    })?;
    let spec = catalog
        .check(check.id)
        .expect("registered checks are catalog checks");
    let item = catalog
        .item(&spec.item)
        .expect("catalog checks belong to items");
    println!("# {}", check.id);
    println!();
    println!(
        "item: {} ({})  ·  area: {}  ·  severity: {} (warn: {})  ·  pillars: {}",
        item.id,
        item.agenda,
        item.area,
        spec.severity,
        spec.severity.lowered(),
        item.pillars
            .iter()
            .map(|p| p.id())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!();
    println!("{}", check.documentation().trim_end());
    Ok(ExitCode::SUCCESS)
}

pub fn rules(args: RulesArgs) -> Result<ExitCode, String> {
    let catalog = Catalog::embedded();
    let rows: Vec<_> = all_checks()
        .into_iter()
        .map(|c| {
            let spec = catalog
                .check(c.id)
                .expect("registered checks are catalog checks");
            let item = catalog
                .item(&spec.item)
                .expect("catalog checks belong to items");
            (c.id, spec, item)
        })
        .collect();
    if args.json {
        let list: Vec<String> = rows
            .iter()
            .map(|(id, spec, item)| {
                format!(
                    "{{\"check\":\"{id}\",\"item\":\"{}\",\"area\":\"{}\",\"severity\":\"{}\",\"pillars\":[{}]}}",
                    item.id,
                    item.area,
                    spec.severity,
                    item.pillars.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(",")
                )
            })
            .collect();
        println!("[{}]", list.join(",\n"));
    } else {
        for (id, spec, item) in rows {
            println!(
                "{id:<34} {:<9} {:<12} {}",
                spec.severity.id(),
                item.area,
                item.id
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
