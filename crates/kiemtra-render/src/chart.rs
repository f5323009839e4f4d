//! Charts as data (categories, series, values), drawn by each format in its own way: an
//! inline SVG in the HTML (no namespace needed there; the reader's fonts write the Vietnamese labels), a native chart
//! part in the DOCX (Word and LibreOffice draw it and a Word user restyles it). No font is
//! shipped and no picture goes stale: the numbers in the chart are the numbers in its data.

use crate::markup::escape;

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// "2E7D32", as both SVG and DrawingML write a colour.
    pub colour: &'static str,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Horizontal bars with their series stacked, values in percent (0–100); else vertical
    /// columns of counts side by side.
    pub percent_bars: bool,
}

pub const GREEN: &str = "2E7D32";
pub const RED: &str = "C62828";
pub const BLUE: &str = "1565C0";

fn value_label(c: &Chart, v: f64) -> String {
    if c.percent_bars {
        format!("{}%", v.round() as i64)
    } else {
        kiemtra_core::report::fmt_num(v)
    }
}

impl Chart {
    /// Its height on the page, in millimetres, for a width of 160.
    pub fn height_mm(&self) -> u32 {
        if self.percent_bars {
            24 + 11 * self.categories.len().max(1) as u32
        } else {
            70
        }
    }

    /// An SVG drawing 640 units wide: labels, values on the bars, an axis and a legend.
    pub fn svg(&self) -> String {
        const W: f64 = 640.0;
        let n = self.categories.len().max(1) as f64;
        let mut s = String::new();
        let text = |x: f64, y: f64, anchor: &str, size: f64, t: &str| {
            format!(
                "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"{size}\">{}</text>",
                escape(t)
            )
        };
        let (h, legend_y);
        if self.percent_bars {
            let (left, right, top, bar, gap) = (250.0, 20.0, 10.0, 22.0, 12.0);
            let plot = W - left - right;
            h = top + n * (bar + gap) + 50.0;
            legend_y = h - 12.0;
            for tick in 0..=4 {
                let x = left + plot * tick as f64 / 4.0;
                s.push_str(&format!(
                    "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ccc\"/>",
                    top + n * (bar + gap)
                ));
                s.push_str(&text(
                    x,
                    top + n * (bar + gap) + 14.0,
                    "middle",
                    11.0,
                    &format!("{}%", tick * 25),
                ));
            }
            for (i, cat) in self.categories.iter().enumerate() {
                let y = top + i as f64 * (bar + gap);
                s.push_str(&text(left - 6.0, y + bar * 0.7, "end", 13.0, cat));
                let mut x = left;
                for ser in &self.series {
                    let v = ser.values.get(i).copied().unwrap_or(0.0).clamp(0.0, 100.0);
                    let w = plot * v / 100.0;
                    if w > 0.0 {
                        s.push_str(&format!(
                            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar}\" fill=\"#{}\"/>",
                            ser.colour
                        ));
                        if w > 28.0 {
                            s.push_str(&format!(
                                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#fff\">{}</text>",
                                x + w / 2.0,
                                y + bar * 0.7,
                                value_label(self, v)
                            ));
                        }
                    }
                    x += w;
                }
            }
        } else {
            let (left, right, top, plot_h) = (40.0, 10.0, 16.0, 170.0);
            h = top + plot_h + 60.0;
            legend_y = h - 8.0;
            let max = self
                .series
                .iter()
                .flat_map(|s| s.values.iter().copied())
                .fold(0.0_f64, f64::max)
                .max(1.0);
            let step = (max / 4.0).ceil().max(1.0);
            let top_value = step * 4.0;
            let base = top + plot_h;
            for tick in 0..=4 {
                let y = base - plot_h * tick as f64 / 4.0;
                s.push_str(&format!(
                    "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ccc\"/>",
                    W - right
                ));
                s.push_str(&text(
                    left - 6.0,
                    y + 4.0,
                    "end",
                    11.0,
                    &kiemtra_core::report::fmt_num(step * tick as f64),
                ));
            }
            let slot = (W - left - right) / n;
            let k = self.series.len().max(1) as f64;
            let col = slot * 0.6 / k;
            for (i, cat) in self.categories.iter().enumerate() {
                let x0 = left + i as f64 * slot + slot * 0.2;
                for (j, ser) in self.series.iter().enumerate() {
                    let v = ser.values.get(i).copied().unwrap_or(0.0).max(0.0);
                    let ch = plot_h * v / top_value;
                    let x = x0 + j as f64 * col;
                    s.push_str(&format!(
                        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{col:.1}\" height=\"{ch:.1}\" fill=\"#{}\"/>",
                        base - ch,
                        ser.colour
                    ));
                    s.push_str(&text(
                        x + col / 2.0,
                        base - ch - 4.0,
                        "middle",
                        11.0,
                        &value_label(self, v),
                    ));
                }
                s.push_str(&text(
                    left + (i as f64 + 0.5) * slot,
                    base + 16.0,
                    "middle",
                    11.0,
                    cat,
                ));
            }
        }
        // The legend: a swatch and the series' name each.
        let mut x = 20.0;
        for ser in &self.series {
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#{}\"/>",
                legend_y - 10.0,
                ser.colour
            ));
            s.push_str(&text(x + 16.0, legend_y, "start", 13.0, &ser.name));
            x += 30.0 + 7.0 * ser.name.chars().count() as f64;
        }
        format!(
            "<svg viewBox=\"0 0 {W} {h:.0}\" role=\"img\" aria-label=\"{}\" font-family=\"'Times New Roman',Times,serif\">{s}</svg>",
            escape(&self.title)
        )
    }

    /// The chart part of a DOCX (`word/charts/chartN.xml`): a DrawingML bar chart whose data
    /// is cached in the part itself, so it draws without an embedded workbook.
    pub fn drawingml(&self) -> String {
        let n = self.categories.len();
        let cats = {
            let mut c = format!(
                "<c:strRef><c:f>Sheet1!$A$2:$A${}</c:f><c:strCache><c:ptCount val=\"{n}\"/>",
                n + 1
            );
            for (i, cat) in self.categories.iter().enumerate() {
                c.push_str(&format!(
                    "<c:pt idx=\"{i}\"><c:v>{}</c:v></c:pt>",
                    escape(cat)
                ));
            }
            c.push_str("</c:strCache></c:strRef>");
            c
        };
        let format = if self.percent_bars { "0\"%\"" } else { "0" };
        // On the bars, a zero share says nothing: its label is left empty.
        let label_format = if self.percent_bars {
            "0\"%\";-0\"%\";"
        } else {
            "0"
        };
        let mut series = String::new();
        for (j, ser) in self.series.iter().enumerate() {
            let col = (b'B' + j as u8) as char;
            series.push_str(&format!(
                "<c:ser><c:idx val=\"{j}\"/><c:order val=\"{j}\"/><c:tx><c:strRef><c:f>Sheet1!${col}$1</c:f><c:strCache><c:ptCount val=\"1\"/><c:pt idx=\"0\"><c:v>{}</c:v></c:pt></c:strCache></c:strRef></c:tx><c:spPr><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></c:spPr><c:invertIfNegative val=\"0\"/><c:dLbls><c:numFmt formatCode=\"{}\" sourceLinked=\"0\"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/><c:showCatName val=\"0\"/><c:showSerName val=\"0\"/><c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbls><c:cat>{cats}</c:cat><c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val=\"{n}\"/>",
                escape(&ser.name),
                ser.colour,
                escape(label_format),
                n + 1
            ));
            for (i, v) in ser.values.iter().enumerate() {
                series.push_str(&format!(
                    "<c:pt idx=\"{i}\"><c:v>{}</c:v></c:pt>",
                    (v * 10.0).round() / 10.0
                ));
            }
            series.push_str("</c:numCache></c:numRef></c:val></c:ser>");
        }
        // Bars read top to bottom in the tables' order, their value axis below them.
        let (dir, grouping, overlap, cat_pos, val_pos, orientation, max, crosses) =
            if self.percent_bars {
                let max = "<c:max val=\"100\"/>";
                (
                    "bar",
                    "stacked",
                    "<c:overlap val=\"100\"/>",
                    "l",
                    "b",
                    "maxMin",
                    max,
                    "max",
                )
            } else {
                ("col", "clustered", "", "b", "l", "minMax", "", "autoZero")
            };
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<c:chartSpace xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><c:roundedCorners val=\"0\"/><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz=\"1200\" b=\"1\"/></a:pPr><a:r><a:rPr lang=\"vi-VN\" sz=\"1200\" b=\"1\"/><a:t>{}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val=\"0\"/></c:title><c:autoTitleDeleted val=\"0\"/><c:plotArea><c:layout/><c:barChart><c:barDir val=\"{dir}\"/><c:grouping val=\"{grouping}\"/><c:varyColors val=\"0\"/>{series}<c:gapWidth val=\"60\"/>{overlap}<c:axId val=\"1001\"/><c:axId val=\"1002\"/></c:barChart><c:catAx><c:axId val=\"1001\"/><c:scaling><c:orientation val=\"{orientation}\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"{cat_pos}\"/><c:numFmt formatCode=\"General\" sourceLinked=\"0\"/><c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"1002\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/></c:catAx><c:valAx><c:axId val=\"1002\"/><c:scaling><c:orientation val=\"minMax\"/>{max}<c:min val=\"0\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"{val_pos}\"/><c:majorGridlines/><c:numFmt formatCode=\"{}\" sourceLinked=\"0\"/><c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"1001\"/><c:crosses val=\"{crosses}\"/><c:crossBetween val=\"between\"/></c:valAx></c:plotArea><c:legend><c:legendPos val=\"b\"/><c:overlay val=\"0\"/></c:legend><c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart><c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1000\"><a:latin typeface=\"Times New Roman\"/><a:cs typeface=\"Times New Roman\"/></a:defRPr></a:pPr><a:endParaRPr lang=\"vi-VN\"/></a:p></c:txPr></c:chartSpace>",
            escape(&self.title),
            escape(format)
        )
    }
}
