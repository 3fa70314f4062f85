//! The PDF export: a printable report on landscape A4 with the filters, a
//! table of the sessions (its header repeated on every page) and the
//! totals. The typeface is embedded, subset to the glyphs used, so names in
//! any script DejaVu covers print as entered.

use chrono::NaiveDateTime;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use super::rows::{ExportRow, Totals};

/// A report of more rows than this is not read on paper: the export asks
/// for narrower filters, or CSV or Excel, instead.
pub const MAX_ROWS: u64 = 2_000;

const FONT_DATA: &[u8] = include_bytes!("../../../data/fonts/DejaVuSansCondensed.ttf");

const PAGE_WIDTH: f32 = 841.89;
const PAGE_HEIGHT: f32 = 595.28;
const MARGIN: f32 = 28.0;
const SIZE: f32 = 7.5;
const ROW: f32 = 11.5;

/// What the report says above its table.
pub struct Heading {
    pub generated: String,
    pub filters: Vec<String>,
}

struct Column {
    title: &'static str,
    width: f32,
    right: bool,
    value: fn(&ExportRow) -> String,
}

fn clock(at: NaiveDateTime) -> String {
    at.format("%H:%M").to_string()
}

fn span(start: Option<NaiveDateTime>, end: Option<NaiveDateTime>) -> String {
    match (start, end) {
        (Some(start), Some(end)) => format!("{}–{}", clock(start), clock(end)),
        _ => String::new(),
    }
}

const COLUMNS: [Column; 11] = [
    Column {
        title: "Date",
        width: 46.0,
        right: false,
        value: |r| r.date.format("%Y-%m-%d").to_string(),
    },
    Column {
        title: "Staff",
        width: 86.0,
        right: false,
        value: |r| r.staff.clone(),
    },
    Column {
        title: "Batch",
        width: 64.0,
        right: false,
        value: |r| r.batch_code.clone().unwrap_or_else(|| "ad hoc".into()),
    },
    Column {
        title: "Title",
        width: 104.0,
        right: false,
        value: |r| r.title.clone(),
    },
    Column {
        title: "Scheduled",
        width: 50.0,
        right: false,
        value: |r| span(Some(r.scheduled_start), Some(r.scheduled_end)),
    },
    Column {
        title: "Actual",
        width: 50.0,
        right: false,
        value: |r| span(r.actual_start, r.actual_end),
    },
    Column {
        title: "Late",
        width: 24.0,
        right: true,
        value: |r| r.late_minutes.map(|m| m.to_string()).unwrap_or_default(),
    },
    Column {
        title: "Status",
        width: 44.0,
        right: false,
        value: |r| r.status.as_str().to_owned(),
    },
    Column {
        title: "Review",
        width: 48.0,
        right: false,
        value: |r| r.review.map(|v| v.as_str().to_owned()).unwrap_or_default(),
    },
    Column {
        title: "Code",
        width: 104.0,
        right: false,
        value: |r| r.code.clone().unwrap_or_default(),
    },
    Column {
        title: "Notes",
        width: 165.0,
        right: false,
        value: |r| {
            r.notes
                .clone()
                .unwrap_or_default()
                .replace(['\n', '\r'], " ")
        },
    },
];

/// Widths of text in the embedded face, to cut what does not fit; read
/// with skrifa, the font reader krilla itself uses.
struct Measure<'a> {
    charmap: skrifa::charmap::Charmap<'a>,
    /// Advances in font units.
    advances: skrifa::metrics::GlyphMetrics<'a>,
    units_per_em: f32,
}

impl<'a> Measure<'a> {
    fn new(font: &skrifa::FontRef<'a>) -> Self {
        use skrifa::MetadataProvider as _;
        use skrifa::instance::{LocationRef, Size};
        Measure {
            charmap: font.charmap(),
            advances: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em: f32::from(
                font.metrics(Size::unscaled(), LocationRef::default())
                    .units_per_em,
            ),
        }
    }

    fn advance(&self, c: char, size: f32) -> f32 {
        let units = self
            .charmap
            .map(c)
            .and_then(|glyph| self.advances.advance_width(glyph))
            .unwrap_or(0.0);
        units * size / self.units_per_em
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    /// `text`, cut with an ellipsis to fit `width`, measured in one pass.
    fn fit(&self, text: &str, size: f32, width: f32) -> String {
        if self.width(text, size) <= width {
            return text.to_owned();
        }
        let room = width - self.advance('…', size);
        let mut used = 0.0;
        let mut end = 0;
        for (at, c) in text.char_indices() {
            used += self.advance(c, size);
            if used > room {
                break;
            }
            end = at + c.len_utf8();
        }
        format!("{}…", text[..end].trim_end())
    }
}

struct Writer<'a> {
    font: Font,
    measure: Measure<'a>,
}

impl Writer<'_> {
    fn text(&self, surface: &mut Surface<'_>, x: f32, y: f32, size: f32, text: &str) {
        surface.draw_text(
            Point::from_xy(x, y),
            self.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn fill(surface: &mut Surface<'_>, color: rgb::Color) {
        surface.set_fill(Some(Fill {
            paint: color.into(),
            ..Fill::default()
        }));
    }

    fn band(surface: &mut Surface<'_>, y: f32, height: f32, color: rgb::Color) {
        let Some(rect) = Rect::from_xywh(MARGIN, y, PAGE_WIDTH - 2.0 * MARGIN, height) else {
            return;
        };
        let mut path = PathBuilder::new();
        path.push_rect(rect);
        if let Some(path) = path.finish() {
            Self::fill(surface, color);
            surface.draw_path(&path);
            Self::fill(surface, rgb::Color::black());
        }
    }

    fn cells(&self, surface: &mut Surface<'_>, y: f32, values: &[String]) {
        let mut x = MARGIN + 2.0;
        for (column, value) in COLUMNS.iter().zip(values) {
            let fitted = self.measure.fit(value, SIZE, column.width - 4.0);
            let left = if column.right {
                x + column.width - 4.0 - self.measure.width(&fitted, SIZE)
            } else {
                x
            };
            self.text(surface, left, y, SIZE, &fitted);
            x += column.width;
        }
    }

    fn table_header(&self, surface: &mut Surface<'_>, y: f32) {
        Self::band(surface, y - ROW + 3.0, ROW, rgb::Color::new(225, 229, 236));
        let titles: Vec<String> = COLUMNS.iter().map(|c| c.title.to_owned()).collect();
        self.cells(surface, y, &titles);
    }
}

/// The report as PDF bytes.
pub fn render(heading: &Heading, rows: &[ExportRow]) -> anyhow::Result<Vec<u8>> {
    let face = skrifa::FontRef::new(FONT_DATA)?;
    let font = Font::new(FONT_DATA.into(), 0)
        .ok_or_else(|| anyhow::anyhow!("the embedded typeface does not load"))?;
    let writer = Writer {
        font,
        measure: Measure::new(&face),
    };
    let mut totals = Totals::default();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title("Lectern sessions report".to_owned())
            .creator("Lectern".to_owned()),
    );
    let settings = || {
        PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| anyhow::anyhow!("A4 is a page size"))
    };
    let bottom = PAGE_HEIGHT - MARGIN - ROW;
    let mut remaining = rows.iter().peekable();
    let mut number = 0;
    loop {
        number += 1;
        let mut page = document.start_page_with(settings()?);
        let mut surface = page.surface();
        let mut y = MARGIN + 14.0;
        if number == 1 {
            writer.text(&mut surface, MARGIN, y, 14.0, "Sessions report");
            y += 14.0;
            writer.text(&mut surface, MARGIN, y, SIZE + 1.0, &heading.generated);
            y += ROW;
            let filters = if heading.filters.is_empty() {
                "Filters: none (every session you can see)".to_owned()
            } else {
                format!("Filters: {}", heading.filters.join(" · "))
            };
            let filters = writer
                .measure
                .fit(&filters, SIZE + 1.0, PAGE_WIDTH - 2.0 * MARGIN);
            writer.text(&mut surface, MARGIN, y, SIZE + 1.0, &filters);
            y += ROW * 1.8;
        }
        writer.table_header(&mut surface, y);
        y += ROW;
        let mut shaded = false;
        while y < bottom {
            let Some(row) = remaining.next() else { break };
            totals.add(row);
            if shaded {
                Writer::band(
                    &mut surface,
                    y - ROW + 3.0,
                    ROW,
                    rgb::Color::new(246, 247, 249),
                );
            }
            shaded = !shaded;
            let values: Vec<String> = COLUMNS.iter().map(|c| (c.value)(row)).collect();
            writer.cells(&mut surface, y, &values);
            y += ROW;
        }
        let finished = remaining.peek().is_none();
        if finished {
            if y + 3.0 * ROW > bottom + ROW {
                footer(&writer, &mut surface, number);
                surface.finish();
                page.finish();
                number += 1;
                let mut page = document.start_page_with(settings()?);
                let mut surface = page.surface();
                write_totals(&writer, &mut surface, MARGIN + 14.0, &totals);
                footer(&writer, &mut surface, number);
                surface.finish();
                page.finish();
            } else {
                write_totals(&writer, &mut surface, y + ROW, &totals);
                footer(&writer, &mut surface, number);
                surface.finish();
                page.finish();
            }
            break;
        }
        footer(&writer, &mut surface, number);
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|err| anyhow::anyhow!("writing the PDF failed: {err:?}"))
}

fn footer(writer: &Writer<'_>, surface: &mut Surface<'_>, number: u32) {
    let text = format!("Page {number}");
    let width = writer.measure.width(&text, SIZE);
    writer.text(
        surface,
        PAGE_WIDTH - MARGIN - width,
        PAGE_HEIGHT - MARGIN / 2.0,
        SIZE,
        &text,
    );
}

fn write_totals(writer: &Writer<'_>, surface: &mut Surface<'_>, y: f32, totals: &Totals) {
    let on_time = if totals.completed == 0 {
        "—".to_owned()
    } else {
        format!(
            "{} of {} ({:.0}%)",
            totals.on_time,
            totals.completed,
            100.0 * totals.on_time as f64 / totals.completed as f64
        )
    };
    let line = format!(
        "Totals: {} sessions · {} completed · {} cancelled · {} pending · {} verified · \
         on time {} · {} h {:02} min held",
        totals.sessions,
        totals.completed,
        totals.cancelled,
        totals.pending,
        totals.verified,
        on_time,
        totals.actual_minutes / 60,
        totals.actual_minutes % 60,
    );
    writer.text(surface, MARGIN, y, SIZE + 1.5, &line);
}
