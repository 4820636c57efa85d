//! Which given names are the same name? Groups of formal names and their usual short forms,
//! from generic English usage and the Polish short forms common in UK records. A name may sit in more than one group ("ALEX").

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Each line is one group of equivalent given names, folded (upper case, letters only).
const GROUPS: &[&str] = &[
    "KATHRYN KATHERINE CATHERINE KATHLEEN KATARZYNA KATIE KATY KATE KAT KATH CATH CATHY KATHY KITTY KASIA",
    "ELIZABETH BETH BETHANY LIZ LIZZIE LIZZY ELIZA BETSY BETTY LIBBY ELLIE",
    "ISABELLA ISABELLE ISABEL BELLA IZZY IZZIE ISSY",
    "ABIGAIL ABBY ABBIE ABI",
    "REBECCA BECKY BECCA BEX",
    "JESSICA JESS JESSIE",
    "DANIEL DANNY DAN",
    "SAMUEL SAM SAMMY",
    "SAMANTHA SAM SAMMY SAMMIE",
    "THOMAS TOMASZ TOM TOMMY TOMEK",
    "WILLIAM WILL WILLIE BILL BILLY LIAM",
    "OLIVER OLLIE OLLY",
    "HARRY HAL HENRY HARRI HARRISON",
    "JACK JACKY JOHN JOHNNY JON",
    "JONATHAN JON JONNY JONNIE",
    "SOPHIE SOPHIA SOPH",
    "ZOE ZOEY",
    "JAMES JIM JIMMY JAMIE",
    "JOSEPH JOE JOEY",
    "JOSHUA JOSH",
    "MATTHEW MATT MATTY",
    "MICHAEL MIKE MICKY MICK",
    "CHRISTOPHER KRZYSZTOF CHRIS KIT KRZYS",
    "CHRISTINA CHRISTINE CHRIS CHRISSIE TINA",
    "NICHOLAS NICK NICKY",
    "NICOLA NICOLE NICKY NIKKI",
    "ALEXANDER ALEX ALEXANDRA ALEXIS LEXI SANDY XANDER",
    "ANDREW ANDY DREW",
    "ANTHONY TONY ANTONY",
    "BENJAMIN BEN BENNY",
    "CHARLOTTE CHARLIE LOTTIE LOTTY",
    "CHARLES CHARLIE CHARLEY CHAS",
    "DAVID DAVE DAVEY DAVY",
    "EDWARD ED EDDIE TED TEDDY NED",
    "ELEANOR ELLIE ELLA NORA NELL NELLIE",
    "EMILY EM EMMY MILLIE",
    "EMMA EM EMMY",
    "AMELIA AMY MILLIE MILLY",
    "FREDERICK FRED FREDDIE FREDDY",
    "GABRIELLE GABRIELLA GABRIELA GABRIEL GABBY GABI GABY GABE",
    "GEORGE GEORDIE",
    "GEORGIA GEORGINA GEORGIE",
    "JACQUELINE JACKIE JACQUI",
    "JENNIFER JENNY JEN JENNI",
    "JOANNE JO JOANNA JOEY",
    "KIMBERLEY KIMBERLY KIM",
    "LAUREN LAURA LAURIE",
    "LEWIS LOUIS LOU",
    "LOUISE LOUISA LOU LULU",
    "MARGARET MAGGIE MEG PEGGY MAISIE",
    "MEGAN MEG",
    "NATHAN NATE NAT",
    "NATASHA TASHA NAT",
    "NATALIE NATALIA NAT TALA",
    "PATRICK PAT PADDY",
    "PATRICIA PAT TRICIA TRISH",
    "PETER PETE",
    "RICHARD RICH RICHIE RICK RICKY DICK",
    "ROBERT ROB ROBBIE BOB BOBBY BERT",
    "RONALD RON RONNIE",
    "STEPHEN STEVEN STEVE STEVIE",
    "STEPHANIE STEPH STEVIE",
    "SUSAN SUE SUZY SUSIE",
    "TERENCE TERRY",
    "THEODORE THEO TED",
    "TIMOTHY TIM TIMMY",
    "VICTORIA VICKY VICKI TORI",
    "ZACHARY ZAK ZACK ZAC",
    "MOHAMMED MOHAMMAD MUHAMMAD MOHAMED MO",
    "ABDULLAH ABDUL",
    "KIERAN KIERON",
    "CONNOR CONOR",
    "AIDAN AIDEN",
    "LEAH LEA",
    "HANNAH HANNA",
    "CHLOE CLOE",
    "ANNA ANNE ANN ANNIE",
    "GRACE GRACIE",
    "LUCY LUCIA LUCIE",
    "MOLLY MOLLIE MARY MARIA",
    "POPPY POPPIE",
    "RUBY RUBIE",
    "DEBORAH DEBBIE DEB DEBS",
    "GEMMA JEMMA",
    "KAYLEIGH KAYLEY KAYLA",
    "TYLER TY",
    "RYAN RHYAN",
    "CALLUM CALUM",
    "REECE REESE RHYS",
    "LUKASZ LUKE LUCAS",
    "PATRYK PATRICK",
    "YUSUF YOUSEF YOUSSEF JOSEPH",
    "GILLIAN JILL GILL",
    "PAMELA PAM",
    "VALERIE VAL",
    "DOROTHY DOT DOTTIE",
    "DANIELLE DANI DANNI",
    "FRANCES FRANCIS FRAN FRANK FRANKIE",
    "CAROLINE CARRIE CARO",
    "MATILDA TILLY TILDA",
    "FLORENCE FLO FLOSSIE",
    "HARRIET HATTIE",
    "OLIVIA LIV LIVVY LIVVIE",
    "MAGDALENA MAGDA",
    "AGNIESZKA AGA",
    "EVELYN EVIE EVE",
    "ALFRED ALFIE ALF",
    "PHILIP PHILLIP PHIL",
    "KENNETH KEN KENNY",
    "RAYMOND RAY",
    "LEONARD LEN LENNY",
    "GERALD GERARD GERRY",
    "ARCHIBALD ARCHIE",
    "CAMERON CAM",
    "DOUGLAS DOUG DOUGIE",
    "GORDON GORDY",
    "JAKUB JACOB JAKE KUBA",
    "STANISLAW STANLEY STAN",
    "OLUWASEUN SEUN",
    "ABDIRAHMAN ABDULRAHMAN ABDI",
    "KWABENA KOBBY KOBI",
    "DOMINIC DOM",
    "MAURICE MO",
    "BERNARD BERNIE",
    "LESLIE LESLEY LES",
    "REUBEN RUBEN RUBE",
];

/// For a folded name, a bit per group it belongs to (at most 128 groups); 0 when none.
pub fn group_bits(name: &str) -> u128 {
    static TABLE: OnceLock<FxHashMap<&'static str, u128>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = FxHashMap::default();
        for (at, group) in GROUPS.iter().enumerate().take(128) {
            for member in group.split(' ') {
                *table.entry(member).or_insert(0) |= 1u128 << at;
            }
        }
        table
    });
    table.get(name).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_share_a_group() {
        assert_ne!(group_bits("KATIE") & group_bits("KATHRYN"), 0);
        assert_ne!(group_bits("ALEX") & group_bits("ALEXANDRA"), 0);
        assert_eq!(group_bits("KATIE") & group_bits("ELIZABETH"), 0);
        assert_ne!(group_bits("TILLY") & group_bits("MATILDA"), 0);
        assert_ne!(group_bits("KASIA") & group_bits("KATARZYNA"), 0);
        assert_eq!(group_bits("PRZEMYSLAW"), 0);
        assert!(GROUPS.len() <= 128);
        for group in GROUPS {
            for member in group.split(' ') {
                assert_eq!(
                    member,
                    crate::dataset::fold_name(member),
                    "{member} is folded"
                );
            }
        }
    }
}
