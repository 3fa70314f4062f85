//! Bar charts drawn as inline SVG by the page itself: nothing to load, no
//! script library, coloured by the stylesheet. Screen readers get the
//! chart's own summary; pointers get a tooltip per bar from its `<title>`.

use leptos::prelude::*;

/// One kind of count stacked in every bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Series {
    /// As the legend and the tooltips name it.
    pub name: &'static str,
    /// The class of its rectangles; the legend's swatch gets `<class>-swatch`.
    pub class: &'static str,
}

/// One bar: its counts, in the order of the series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Under the bar, short.
    pub label: String,
    /// In its tooltips, in full.
    pub title: String,
    pub values: Vec<i64>,
}

const HEIGHT: f64 = 220.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 8.0;
const SLOT: f64 = 44.0;
const BAR: f64 = 28.0;
/// More labels than this under the bars would overlap: every n-th is shown.
const MAX_LABELS: usize = 12;

/// Bars of stacked counts, the first series at the bottom.
#[component]
pub fn StackedBars(
    /// The class of the `<svg>`, for the page's styles and tests.
    class: &'static str,
    /// What the chart shows, in words, for those who cannot see it.
    #[prop(into)]
    summary: String,
    series: Vec<Series>,
    bars: Vec<Bar>,
) -> impl IntoView {
    let plot = HEIGHT - TOP - BOTTOM;
    let width = (LEFT + RIGHT + SLOT * bars.len() as f64).max(320.0);
    let highest = bars
        .iter()
        .map(|bar| bar.values.iter().sum::<i64>())
        .max()
        .unwrap_or(0);
    let step = tick_step(highest);
    let top = (highest.max(1) + step - 1) / step * step;
    let y = move |value: i64| TOP + plot * (1.0 - value as f64 / top as f64);
    let label_every = bars.len().div_ceil(MAX_LABELS).max(1);

    let grid = (0..=top / step)
        .map(|tick| {
            let value = tick * step;
            let at = y(value);
            view! {
                <line class="chart-grid" x1=LEFT x2=width - RIGHT y1=at y2=at/>
                <text class="chart-axis" x=LEFT - 6.0 y=at text-anchor="end" dominant-baseline="middle">{value}</text>
            }
        })
        .collect_view();
    let columns = bars
        .into_iter()
        .enumerate()
        .map(|(index, bar)| {
            let x = LEFT + SLOT * index as f64 + (SLOT - BAR) / 2.0;
            let mut below = 0;
            let segments = series
                .iter()
                .zip(bar.values.iter().copied())
                .map(|(series, value)| {
                    let (from, to) = (below, below + value);
                    below = to;
                    view! {
                        <rect class=series.class x=x y=y(to) width=BAR height=y(from) - y(to)>
                            <title>{format!("{}: {value} {}", bar.title, series.name.to_lowercase())}</title>
                        </rect>
                    }
                })
                .collect_view();
            let label = (index % label_every == 0).then(|| {
                view! {
                    <text class="chart-axis" x=x + BAR / 2.0 y=HEIGHT - BOTTOM + 16.0 text-anchor="middle">{bar.label}</text>
                }
            });
            view! { <g>{segments}{label}</g> }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|series| {
            view! {
                <li><span class=format!("swatch {}-swatch", series.class) aria-hidden="true"></span>{series.name}</li>
            }
        })
        .collect_view();

    view! {
        <div class="chart">
            <div class="chart-scroll">
                <svg
                    class=class
                    role="img"
                    aria-label=summary
                    viewBox=format!("0 0 {width} {HEIGHT}")
                    width=width
                    height=HEIGHT
                >
                    {grid}
                    <line class="chart-baseline" x1=LEFT x2=width - RIGHT y1=y(0) y2=y(0)/>
                    {columns}
                </svg>
            </div>
            <ul class="chart-legend">{legend}</ul>
        </div>
    }
}

/// A step of 1, 2 or 5 times a power of ten that cuts `highest` into at
/// most five parts, so the axis reads in round numbers.
fn tick_step(highest: i64) -> i64 {
    let mut power = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * power;
            if highest <= step * 5 {
                return step;
            }
        }
        power *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::tick_step;

    #[test]
    fn steps_are_round_and_give_at_most_five_ticks() {
        assert_eq!(tick_step(0), 1);
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(6), 2);
        assert_eq!(tick_step(23), 5);
        assert_eq!(tick_step(26), 10);
        assert_eq!(tick_step(480), 100);
    }
}
