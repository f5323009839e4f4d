//! Bar charts as PNG, drawn pixel by pixel. They carry no text (a font would have to be
//! shipped): the table beside each chart holds the numbers and its caption says so.

use image::{ImageBuffer, ImageFormat, Rgb, RgbImage};

/// The colours of the series, also named in the captions.
pub const COLOURS: [[u8; 3]; 4] = [
    [46, 125, 50],   // Đạt: green
    [198, 40, 40],   // Chưa đạt: red
    [21, 101, 192],  // chấm điểm: blue
    [176, 176, 176], // chưa đánh giá: grey
];

const W: u32 = 900;
const BG: Rgb<u8> = Rgb([255, 255, 255]);
const AXIS: Rgb<u8> = Rgb([60, 60, 60]);
const GRID: Rgb<u8> = Rgb([225, 225, 225]);

fn fill(img: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32, c: Rgb<u8>) {
    for y in y0..y1.min(img.height()) {
        for x in x0..x1.min(img.width()) {
            img.put_pixel(x, y, c);
        }
    }
}

fn png(img: RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .expect("PNG encoding into memory does not fail");
    out.into_inner()
}

/// One horizontal bar per row, its segments stacked left to right in `COLOURS` order, all
/// rows scaled to the longest.
pub fn stacked_bars(rows: &[Vec<usize>]) -> Vec<u8> {
    let bar = 34u32;
    let gap = 14u32;
    let left = 20u32;
    let right = 20u32;
    let h = gap + rows.len().max(1) as u32 * (bar + gap) + 10;
    let mut img: RgbImage = ImageBuffer::from_pixel(W, h, BG);
    let max = rows
        .iter()
        .map(|r| r.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let span = W - left - right;
    for k in 1..=4 {
        let x = left + span * k / 4;
        fill(&mut img, x, 0, x + 1, h - 10, GRID);
    }
    for (i, r) in rows.iter().enumerate() {
        let y = gap + i as u32 * (bar + gap);
        let mut x = left;
        let mut acc = 0usize;
        for (j, v) in r.iter().enumerate() {
            acc += v;
            // Ends computed from the running total so rounding never drifts along the bar.
            let end = left + (span as usize * acc / max) as u32;
            fill(
                &mut img,
                x,
                y,
                end,
                y + bar,
                Rgb(COLOURS[j % COLOURS.len()]),
            );
            x = end;
        }
    }
    fill(&mut img, left, 0, left + 2, h - 10, AXIS);
    png(img)
}

/// One vertical bar per value, in the given colours, scaled to the largest.
pub fn columns(values: &[usize], colours: &[[u8; 3]]) -> Vec<u8> {
    let h = 360u32;
    let base = h - 20;
    let n = values.len().max(1) as u32;
    let slot = (W - 40) / n;
    let mut img: RgbImage = ImageBuffer::from_pixel(W, h, BG);
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    for k in 1..=4 {
        let y = base - (base - 20) * k / 4;
        fill(&mut img, 20, y, W - 20, y + 1, GRID);
    }
    for (i, v) in values.iter().enumerate() {
        let x = 20 + i as u32 * slot + slot / 5;
        let top = base - ((base - 20) as usize * v / max) as u32;
        let c = colours[i % colours.len()];
        fill(&mut img, x, top, x + slot * 3 / 5, base, Rgb(c));
    }
    fill(&mut img, 20, base, W - 20, base + 2, AXIS);
    png(img)
}

/// The overall-result colours: four levels from green to red, then grey for none.
pub const RESULT_COLOURS: [[u8; 3]; 5] = [
    [27, 94, 32],
    [67, 160, 71],
    [249, 168, 37],
    [198, 40, 40],
    [176, 176, 176],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_png_with_the_segment_colours_in_proportion() {
        let bytes = stacked_bars(&[vec![3, 1, 0, 0], vec![0, 0, 0, 4]]);
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let y = 14 + 17;
        let green = (0..img.width())
            .filter(|&x| img.get_pixel(x, y).0 == COLOURS[0])
            .count();
        let red = (0..img.width())
            .filter(|&x| img.get_pixel(x, y).0 == COLOURS[1])
            .count();
        // 3 : 1 within a pixel of rounding.
        assert!((green as i64 - 3 * red as i64).abs() <= 3, "{green} {red}");
        let y2 = 14 + 48 + 17;
        assert_eq!(img.get_pixel(500, y2).0, COLOURS[3]);
    }
}
