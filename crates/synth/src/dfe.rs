//! How does a council's case management system write the DfE's returns on children?
//!
//! [`CensusWriter`] writes a Children in Need census file as the DfE's schema lays it out (a
//! `Message` with a `Header` and one `Child` per child, elements in the schema's order, dates as
//! `yyyy-mm-dd`), one element per line, and says on which line each child starts: the row a
//! check reports a problem at. The SSDA903 tables are plain CSV and are written by
//! [`crate::returns`] with the DfE's own headers (`sightline_standard::dfe::Ssda903Table`).
//! Nothing here is real: ids are the synthetic world's, the council number is made up.

use std::io::{self, Write};

/// How a census names a child's sex: `GenderCurrent` 1/2/0 up to 2023-24, `Sex` M/F/U from
/// 2024-25.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SexElement {
    GenderCurrent,
    Sex,
}

impl SexElement {
    /// The element's name and its value for a child: female, male, or not recorded.
    pub fn write(self, female: Option<bool>) -> (&'static str, &'static str) {
        match (self, female) {
            (SexElement::GenderCurrent, Some(true)) => ("GenderCurrent", "2"),
            (SexElement::GenderCurrent, Some(false)) => ("GenderCurrent", "1"),
            (SexElement::GenderCurrent, None) => ("GenderCurrent", "0"),
            (SexElement::Sex, Some(true)) => ("Sex", "F"),
            (SexElement::Sex, Some(false)) => ("Sex", "M"),
            (SexElement::Sex, None) => ("Sex", "U"),
        }
    }
}

/// One child of a census, as the council records it. Dates are written as given.
#[derive(Debug, Clone)]
pub struct CensusChild<'a> {
    pub id: &'a str,
    pub upn: Option<&'a str>,
    pub birth: Option<&'a str>,
    /// Element name and value, from [`SexElement::write`].
    pub sex: (&'a str, &'a str),
    pub ethnicity: &'a str,
    pub referral: &'a str,
    pub assessment_start: &'a str,
    pub assessment_authorised: &'a str,
    pub factors: &'a [&'a str],
}

/// Writes a census file child by child, counting lines.
pub struct CensusWriter<W: Write> {
    out: W,
    line: u64,
    children: u64,
}

impl<W: Write> CensusWriter<W> {
    /// Writes the file's header: collection year ending `reference_date`, council `lea`.
    pub fn new(mut out: W, reference_date: &str, lea: &str) -> io::Result<CensusWriter<W>> {
        let year = reference_date.get(..4).unwrap_or("2024");
        let lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>".to_string(),
            "<Message>".to_string(),
            "  <Header>".to_string(),
            "    <CollectionDetails>".to_string(),
            "      <Collection>CIN</Collection>".to_string(),
            format!("      <Year>{year}</Year>"),
            format!("      <ReferenceDate>{reference_date}</ReferenceDate>"),
            "    </CollectionDetails>".to_string(),
            "    <Source>".to_string(),
            "      <SourceLevel>L</SourceLevel>".to_string(),
            format!("      <LEA>{lea}</LEA>"),
            "      <SoftwareCode>Sightline synthetic</SoftwareCode>".to_string(),
            "      <Release>1</Release>".to_string(),
            "      <SerialNo>001</SerialNo>".to_string(),
            format!("      <DateTime>{reference_date}T00:00:00</DateTime>"),
            "    </Source>".to_string(),
            "  </Header>".to_string(),
            "  <Children>".to_string(),
        ];
        for line in &lines {
            writeln!(out, "{line}")?;
        }
        Ok(CensusWriter {
            out,
            line: lines.len() as u64,
            children: 0,
        })
    }

    fn line(&mut self, text: std::fmt::Arguments<'_>) -> io::Result<()> {
        self.out.write_fmt(text)?;
        self.out.write_all(b"\n")?;
        self.line += 1;
        Ok(())
    }

    /// Writes one child; returns the line its `<Child>` is on.
    pub fn child(&mut self, child: &CensusChild<'_>) -> io::Result<u64> {
        let at = self.line + 1;
        self.children += 1;
        self.line(format_args!("    <Child>"))?;
        self.line(format_args!("      <ChildIdentifiers>"))?;
        self.line(format_args!(
            "        <LAchildID>{}</LAchildID>",
            escape(child.id)
        ))?;
        match child.upn {
            Some(upn) => self.line(format_args!("        <UPN>{}</UPN>", escape(upn)))?,
            None => self.line(format_args!("        <UPNunknown>UN4</UPNunknown>"))?,
        }
        if let Some(birth) = child.birth {
            self.line(format_args!(
                "        <PersonBirthDate>{}</PersonBirthDate>",
                escape(birth)
            ))?;
        }
        let (element, value) = child.sex;
        self.line(format_args!("        <{element}>{value}</{element}>"))?;
        self.line(format_args!("      </ChildIdentifiers>"))?;
        self.line(format_args!("      <ChildCharacteristics>"))?;
        self.line(format_args!(
            "        <Ethnicity>{}</Ethnicity>",
            escape(child.ethnicity)
        ))?;
        self.line(format_args!("      </ChildCharacteristics>"))?;
        self.line(format_args!("      <CINdetails>"))?;
        self.line(format_args!(
            "        <CINreferralDate>{}</CINreferralDate>",
            child.referral
        ))?;
        self.line(format_args!("        <ReferralSource>6</ReferralSource>"))?;
        self.line(format_args!(
            "        <PrimaryNeedCode>N1</PrimaryNeedCode>"
        ))?;
        self.line(format_args!("        <Assessments>"))?;
        self.line(format_args!(
            "          <AssessmentActualStartDate>{}</AssessmentActualStartDate>",
            child.assessment_start
        ))?;
        self.line(format_args!(
            "          <AssessmentAuthorisationDate>{}</AssessmentAuthorisationDate>",
            child.assessment_authorised
        ))?;
        if child.factors.is_empty() {
            self.line(format_args!("          <FactorsIdentifiedAtAssessment/>"))?;
        } else {
            self.line(format_args!("          <FactorsIdentifiedAtAssessment>"))?;
            for factor in child.factors {
                self.line(format_args!(
                    "            <AssessmentFactors>{factor}</AssessmentFactors>"
                ))?;
            }
            self.line(format_args!("          </FactorsIdentifiedAtAssessment>"))?;
        }
        self.line(format_args!("        </Assessments>"))?;
        self.line(format_args!("        <ReferralNFA>false</ReferralNFA>"))?;
        self.line(format_args!("      </CINdetails>"))?;
        self.line(format_args!("    </Child>"))?;
        Ok(at)
    }

    /// Closes the file; returns how many children it holds.
    pub fn finish(mut self) -> io::Result<u64> {
        self.line(format_args!("  </Children>"))?;
        self.line(format_args!("</Message>"))?;
        self.out.flush()?;
        Ok(self.children)
    }
}

/// Text as XML character data.
fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['&', '<', '>']) {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .into()
    } else {
        text.into()
    }
}

/// A census of `children` made-up children (ids `C0000001` ...), for measuring how a check
/// copes with a national file: about one in eight with factor 11A, one in ten with 10A.
/// Deterministic; no generator is needed.
pub fn write_large_census(out: impl Write, children: u64) -> io::Result<u64> {
    let mut writer = CensusWriter::new(out, "2024-03-31", "999")?;
    const OTHER: [&str; 8] = ["1B", "2B", "3A", "3B", "4A", "4B", "16A", "21"];
    const ETHNICITY: [&str; 8] = [
        "WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "APKN", "BAFR", "NOBT",
    ];
    let mut id = String::new();
    for n in 0..children {
        id.clear();
        id.push('C');
        crate::returns::push_number(&mut id, n + 1, 7);
        let mut factors = vec![OTHER[(n % 8) as usize]];
        if n % 8 == 3 {
            factors.push("11A");
        }
        if n % 10 == 7 {
            factors.push("10A");
        }
        let year = 2006 + n % 12;
        let month = 1 + n % 12;
        let day = 1 + n % 28;
        let birth = format!("{year}-{month:02}-{day:02}");
        let element = if n % 2 == 0 {
            SexElement::Sex
        } else {
            SexElement::GenderCurrent
        };
        writer.child(&CensusChild {
            id: &id,
            upn: None,
            birth: Some(&birth),
            sex: element.write(Some(n % 3 != 0)),
            ethnicity: ETHNICITY[(n % 8) as usize],
            referral: "2023-06-01",
            assessment_start: "2023-06-02",
            assessment_authorised: "2023-06-20",
            factors: &factors,
        })?;
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_child_is_written_at_the_line_returned() {
        let mut bytes = Vec::new();
        let mut writer = CensusWriter::new(&mut bytes, "2024-03-31", "999").expect("header");
        let child = CensusChild {
            id: "A&B",
            upn: None,
            birth: Some("2009-04-17"),
            sex: SexElement::GenderCurrent.write(Some(true)),
            ethnicity: "WBRI",
            referral: "2023-06-01",
            assessment_start: "2023-06-02",
            assessment_authorised: "2023-06-20",
            factors: &["11A"],
        };
        let first = writer.child(&child).expect("child");
        let second = writer.child(&child).expect("child");
        assert_eq!(writer.finish().expect("finish"), 2);
        let text = String::from_utf8(bytes).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        for at in [first, second] {
            assert_eq!(lines[at as usize - 1].trim(), "<Child>");
        }
        assert!(text.contains("<LAchildID>A&amp;B</LAchildID>"));
    }
}
