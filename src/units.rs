//! Lengths and their conversions. Templates give millimetres; the DOCX
//! counts twentieths of a point (twips) and half-points; the PDF engine
//! works in points, from the DOCX's twip-rounded values so that both
//! documents measure lines against the same widths. Comparisons of laid-out
//! lengths tolerate float error ([`EPS`]).

/// Millimetres in a point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

/// Tolerance for "fits" comparisons of laid-out lengths, pt.
pub const EPS: f32 = 0.01;

/// A length in millimetres (templates).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Mm(pub f32);

/// A length in points.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Pt(pub f32);

/// A length in twips, twentieths of a point (DOCX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Twip(pub u32);

impl Mm {
    /// In points.
    pub fn pt(self) -> Pt {
        Pt(self.0 / MM_PER_PT)
    }

    /// In twips, rounded as Word rounds.
    pub fn twips(self) -> Twip {
        Twip((self.0 / MM_PER_PT * 20.0).round() as u32)
    }
}

impl Pt {
    /// In half-points (DOCX font sizes), rounded.
    pub fn half_points(self) -> u32 {
        (self.0 * 2.0).round() as u32
    }

    /// In twips, rounded (DOCX spacing).
    pub fn twips(self) -> Twip {
        Twip((self.0 * 20.0).round() as u32)
    }
}

impl Twip {
    /// In points (exact: a twip is 1/20 pt).
    pub fn pt(self) -> Pt {
        Pt(self.0 as f32 / 20.0)
    }
}

/// Does a length fit in `room` (within [`EPS`])?
pub fn fits(length: f32, room: f32) -> bool {
    length <= room + EPS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_agree_with_the_units() {
        assert_eq!(Mm(25.4).pt(), Pt(72.0));
        assert_eq!(Mm(297.0).twips(), Twip(16838));
        assert_eq!(Mm(210.0).twips(), Twip(11906));
        assert_eq!(Twip(11906).pt(), Pt(595.3));
        assert_eq!(Pt(11.5).half_points(), 23);
        assert_eq!(Pt(18.0).twips(), Twip(360));
        assert!(fits(100.005, 100.0) && !fits(100.02, 100.0));
    }
}
