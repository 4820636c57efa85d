//! SVG charts, written as text: bars (unknown kinds as their own hatched grey bars), funnels,
//! a trend line and a heatmap. Colour-blind-safe colours (Okabe–Ito; one blue hue for the
//! heatmap). Every chart has a title and a text alternative; the data table sits beside it in
//! the report. Any share printed on a chart sits in an element carrying its n and base.

use crate::PublishedFigure;
use sightline_disclosure::Shown;
use std::fmt::Write as _;

pub const BLUE: &str = "#0072B2";
pub const ORANGE: &str = "#E69F00";
pub const GREY: &str = "#999999";

/// Escapes text for HTML and SVG.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A whole number with thousands separators.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (at, c) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn shown(value: Shown) -> String {
    match value {
        Shown::Count(n) => thousands(n),
        Shown::Hidden => "[c]".to_string(),
    }
}

/// `data-n` and `data-base` attributes for an element that shows a share.
pub fn data(figure: &PublishedFigure) -> String {
    format!(
        "data-id=\"{}\" data-n=\"{}\" data-base=\"{}\" data-base-label=\"{}\" data-status=\"{}\"",
        escape(&figure.id),
        figure.n,
        figure.base,
        escape(&figure.base_label),
        status(figure.status)
    )
}

/// A figure's status as its JSON code.
pub fn status(status: sightline_assess::figure::Status) -> &'static str {
    use sightline_assess::figure::Status;
    match status {
        Status::Collected => "collected",
        Status::PartlyCollected => "partly_collected",
        Status::NotCollected => "not_collected",
        Status::NoData => "no_data",
    }
}

/// A label cut to `max` characters with an ellipsis (the data table has it whole).
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        label.chars().take(max - 1).collect::<String>() + "…"
    }
}

pub struct Bar<'a> {
    pub label: String,
    pub figure: &'a PublishedFigure,
    pub unknown: bool,
}

fn open(id: &str, title: &str, description: &str, width: u32, height: u32) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc><defs><pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#dddddd\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{GREY}\" stroke-width=\"3\"/></pattern></defs>",
        escape(title),
        escape(description)
    )
}

/// Horizontal bars, one per category, scaled to the largest count shown; hidden counts get no
/// bar and say `[c]`.
pub fn bars(id: &str, title: &str, description: &str, bars: &[Bar<'_>]) -> String {
    let row = 22;
    let (label_width, bar_width) = (230u32, 330u32);
    let height = 10 + row * bars.len() as u32 + 10;
    let mut svg = open(
        id,
        title,
        description,
        label_width + bar_width + 150,
        height,
    );
    let max = bars
        .iter()
        .filter_map(|b| b.figure.n.count())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    for (at, bar) in bars.iter().enumerate() {
        let y = 10 + row * at as u32;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
            label_width - 8,
            y + 14,
            escape(&short(&bar.label, 36))
        );
        let value = match bar.figure.n {
            Shown::Count(n) => {
                let length = (n as f64 / max * f64::from(bar_width)).round().max(1.0);
                let fill = if bar.unknown {
                    format!("url(#{id}-hatch)")
                } else {
                    BLUE.to_string()
                };
                let _ = write!(
                    svg,
                    "<rect x=\"{label_width}\" y=\"{}\" width=\"{length}\" height=\"16\" fill=\"{fill}\"/>",
                    y + 2
                );
                (length as u32, thousands(n))
            }
            Shown::Hidden => (0, "[c]".to_string()),
        };
        let share = bar
            .figure
            .share
            .map(|s| format!(" ({:.0}%)", s * 100.0))
            .unwrap_or_default();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" {}>{}{share}</text>",
            label_width + value.0 + 6,
            y + 14,
            data(bar.figure),
            value.1
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A funnel: each step a bar as long as its count, the first the longest.
pub fn funnel(id: &str, title: &str, description: &str, steps: &[(String, Shown)]) -> String {
    let row = 26;
    let height = 10 + row * steps.len() as u32 + 10;
    let mut svg = open(id, title, description, 820, height);
    let max = steps
        .iter()
        .filter_map(|(_, s)| s.count())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    for (at, (label, value)) in steps.iter().enumerate() {
        let y = 10 + row * at as u32;
        let length = value
            .count()
            .map_or(0.0, |n| (n as f64 / max * 420.0).round().max(1.0));
        let x = 240.0 + (420.0 - length) / 2.0;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"{length}\" height=\"20\" fill=\"{ORANGE}\"/><text x=\"230\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text><text x=\"670\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 2,
            y + 16,
            escape(label),
            y + 16,
            shown(*value)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A trend line of counts over ordered periods; hidden counts break the line.
pub fn trend(id: &str, title: &str, description: &str, points: &[(String, Shown)]) -> String {
    let (width, height, left, bottom) = (720.0, 240.0, 50.0, 40.0);
    let mut svg = open(id, title, description, width as u32, height as u32);
    let max = points
        .iter()
        .filter_map(|(_, s)| s.count())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let step = if points.len() > 1 {
        (width - left - 20.0) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let at = |i: usize, n: u64| {
        (
            left + step * i as f64,
            height - bottom - n as f64 / max * (height - bottom - 20.0),
        )
    };
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/><text x=\"{}\" y=\"16\" font-size=\"11\" text-anchor=\"end\">{}</text>",
        height - bottom,
        width - 10.0,
        height - bottom,
        left - 4.0,
        thousands(max as u64)
    );
    let mut path = String::new();
    for (i, (label, value)) in points.iter().enumerate() {
        match value.count() {
            Some(n) => {
                let (x, y) = at(i, n);
                let _ = write!(
                    path,
                    "{}{x:.1},{y:.1} ",
                    if path.is_empty() { "M" } else { "L" }
                );
                let _ = write!(
                    svg,
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{BLUE}\"><title>{}: {}</title></circle>",
                    escape(label),
                    thousands(n)
                );
            }
            None => {
                if !path.is_empty() {
                    let _ = write!(
                        svg,
                        "<path d=\"{path}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2\"/>"
                    );
                }
                path.clear();
            }
        }
        if i % 2 == 0 {
            let (x, _) = at(i, 0);
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                height - bottom + 14.0,
                escape(label)
            );
        }
    }
    if !path.is_empty() {
        let _ = write!(
            svg,
            "<path d=\"{path}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2\"/>"
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One cell of the heatmap: the completeness share, if published.
pub struct Heat {
    pub share: Option<f64>,
}

/// Agencies × fields, shaded by share (light = low, dark blue = high; hidden shares are grey).
pub fn heatmap(
    id: &str,
    title: &str,
    description: &str,
    rows: &[String],
    columns: &[String],
    cells: &[Vec<Heat>],
) -> String {
    let (cell_w, cell_h, left, top) = (56u32, 12u32, 70u32, 90u32);
    let width = left + cell_w * columns.len() as u32 + 10;
    let height = top + cell_h * rows.len() as u32 + 10;
    let mut svg = open(id, title, description, width, height);
    for (c, column) in columns.iter().enumerate() {
        let x = left + cell_w * c as u32 + cell_w / 2;
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"{}\" font-size=\"10\" transform=\"rotate(-40 {x} {})\">{}</text>",
            top - 6,
            top - 6,
            escape(column)
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let y = top + cell_h * r as u32;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"end\">{}</text>",
            left - 4,
            y + 10,
            escape(row)
        );
        for (c, heat) in cells[r].iter().enumerate() {
            let fill = match heat.share {
                Some(share) => shade(share),
                None => "#cccccc".to_string(),
            };
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#ffffff\"/>",
                left + cell_w * c as u32,
                cell_w,
                cell_h
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// From a very light blue (0) to a dark blue (1).
fn shade(share: f64) -> String {
    let share = share.clamp(0.0, 1.0);
    let mix = |light: f64, dark: f64| (light + (dark - light) * share).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 8.0),
        mix(251.0, 48.0),
        mix(255.0, 107.0)
    )
}
