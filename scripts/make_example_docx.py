"""Build transcripts/interview_borger_sygedagpenge.docx from the text below.

The interview is example material written for kodebog (no real person). Each turn becomes one
Word paragraph of the form ``Interviewer: ...`` / ``Borger: ...``. The output is deterministic:
fixed core properties (author, dates, revision), so re-running it gives the same document text
and metadata.

Run from the repository root:

    .venv/bin/python scripts/make_example_docx.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt

FIXED_DATE = dt.datetime(2024, 3, 14, 10, 0, 0)
OUT = Path(__file__).resolve().parent.parent / "transcripts" / "interview_borger_sygedagpenge.docx"

TURNS = """\
Interviewer: Tak fordi du ville være med. Som jeg sagde i telefonen, bliver interviewet brugt i en undersøgelse af, hvordan borgere oplever jobcentret, og du bliver helt anonym. Vil du starte med at fortælle lidt om, hvordan du kom i kontakt med jobcentret?

Borger: Ja. Jeg har arbejdet på et lager i snart femten år, og sidste forår fik jeg en diskusprolaps. Jeg blev opereret i juni, og siden har jeg været sygemeldt. Så efter nogle uger kom der et brev om, at jeg skulle til samtale på jobcentret, og det var egentlig første gang, jeg havde noget med dem at gøre. Jeg har aldrig været ledig.

Interviewer: Hvordan var det at få det brev?

Borger: Ærligt talt blev jeg nervøs. Man hører jo de der historier om jobcentret. Og brevet var skrevet på en måde, hvor jeg ikke helt kunne finde ud af, om jeg havde gjort noget forkert. Der stod noget om, at hvis jeg ikke mødte op, kunne jeg miste retten til sygedagpenge, og det var det eneste, jeg lagde mærke til. Min kone læste det også, og hun var lige så forvirret.

Interviewer: Kan du huske det første møde?

Borger: Ja, det kan jeg godt. Jeg var der et kvarter for tidligt, for jeg var bange for at komme for sent. Receptionen var fin nok, der var en, der viste mig hen til venteområdet. Men så sad jeg der og kiggede på en skærm med numre i tyve minutter, fordi sagsbehandleren var forsinket. Det var ikke så rart, når man har ondt i ryggen og ikke kan sidde ned ret længe.

Interviewer: Og hvordan var selve mødet?

Borger: Det var faktisk bedre, end jeg havde frygtet. Hun undskyldte, at hun var forsinket, og så spurgte hun, hvordan jeg havde det. Hun forklarede, at hendes opgave var at følge op på min sygemelding, og at de skulle sørge for, at jeg kom tilbage på arbejde, når jeg var klar – ikke før. Det var ligesom det, jeg havde brug for at høre. Jeg gik derfra og tænkte: Okay, det her kan godt gå.

Interviewer: Hvor lange var møderne, og hvor ofte så I hinanden?

Borger: I starten var det hver fjerde uge eller deromkring. Nogle gange på jobcentret, nogle gange i telefonen. Møderne var tit korte, måske en halv time. Det var okay, for der var ikke så meget nyt at sige, når jeg bare gik til genoptræning. Men der var en periode i efteråret, hvor jeg havde det rigtig skidt, og hvor jeg godt kunne have brugt at snakke med hende oftere. Der gik syv uger, hvor jeg ikke hørte noget.

Interviewer: Prøvede du at kontakte hende i den periode?

Borger: Ja, jeg ringede til jobcentret. Man ringer til et kontaktcenter, og så får man en, der skriver en besked. Jeg fik at vide, at hun havde telefontid om torsdagen. Men om torsdagen var jeg til genoptræning, så det passede bare ikke. Jeg ringede nok fire gange. Til sidst skrev jeg en besked via den der digitale postkasse, og så ringede hun tilbage et par dage senere. Hun var sød og sagde undskyld, hun havde haft rigtig mange sager efter en kollega var stoppet.

Interviewer: Hvordan havde du det med det?

Borger: Jeg blev lidt irriteret, men jeg kunne også godt forstå det. Man kunne høre på hende, at hun havde travlt. Det er ikke hende, jeg er sur på. Det er mere, at der ikke er nogen, der kan tage over, når hun ikke er der. Man har kun den ene person, og hvis hun er væk, står man bare og venter.

Interviewer: Har du fået ny sagsbehandler undervejs?

Borger: Ja, én gang. Lige op til jul fik jeg et brev om, at jeg havde fået en ny sagsbehandler, fordi de havde lavet teamene om. Der stod ikke hvorfor. Den nye kendte ikke min sag, og jeg skulle fortælle det hele igen, om operationen, om min arbejdsgiver, om at jeg var begyndt at få ondt i benet igen. Det var lidt som at starte forfra. Hun var ellers flink nok, men det tog et par møder, før hun var med.

Interviewer: Du nævner din arbejdsgiver. Hvordan har samarbejdet mellem jobcentret og arbejdspladsen været?

Borger: Det har faktisk været det bedste ved det hele. Min første sagsbehandler foreslog et rundbordsmøde med min chef, og det blev holdt ude på lageret. Vi snakkede om, hvad jeg kunne lave, hvis jeg startede op på nedsat tid – noget med at registrere varer i stedet for at løfte. Det havde jeg ikke selv turdet spørge om. Hun sad der og bakkede mig op. Jeg startede på tolv timer om ugen i januar, og nu er jeg oppe på tyve.

Interviewer: Hvad betød det for dig?

Borger: Alt, faktisk. At komme tilbage blandt kollegerne. Man bliver lidt sær af at gå derhjemme. Og det var godt, at det var noget, vi fandt ud af sammen, og ikke noget, jeg blev sendt ud i.

Interviewer: Har du været i andre aktiviteter gennem jobcentret?

Borger: Jeg skulle på et kursus om at håndtere smerter. Det var i en gruppe på otte, og der var en fysioterapeut og en psykolog. Det var ikke, fordi jeg lærte så meget nyt om ryggen, men det var godt at møde andre, der havde det på samme måde. Så har jeg også fået nogle øvelser, jeg stadig bruger. Jeg synes, det gav mening. Det var ikke bare noget, man skulle, fordi der stod det i en regel.

Interviewer: Hvad med de digitale ting – har du brugt Jobnet eller andre selvbetjeningsløsninger?

Borger: Meget lidt. Jeg skulle udfylde et skema om min situation på computeren, og det var svært at finde ud af. Der var spørgsmål, jeg ikke forstod, fx om jeg var „delvist genoptaget“. Jeg ringede og spurgte, og hun, jeg talte med, hjalp mig igennem det i telefonen. Min datter hjalp mig med at logge ind med MitID første gang. Jeg er ikke så god til det der.

Interviewer: Har der været regler eller krav, som du har oplevet som svære?

Borger: Ja. Det værste var, da jeg nærmede mig de der 22 uger, hvor de skal vurdere, om sygedagpengene kan forlænges. Det vidste jeg ikke noget om, før jeg fik et brev om det. Så skulle der lægeerklæringer til, og min læge var på ferie, og jeg gik i tre uger og troede, at jeg ville miste min indtægt. Vi har hus og to børn, der stadig bor hjemme. Jeg sov virkelig dårligt i den periode. Jeg synes, de kunne have fortalt mig det fra starten, så jeg vidste, at det ville komme.

Interviewer: Hvordan endte det?

Borger: Det blev forlænget. Sagsbehandleren ringede og sagde det, før brevet kom, og det var jeg glad for. Men jeg forstår ikke, hvorfor det skal være så usikkert. Man er syg, og så skal man også bekymre sig om, hvorvidt man har penge næste måned. Det er systemet, tror jeg. Hun sagde selv, at hun ikke kunne gøre noget ved fristerne.

Interviewer: Hvordan ser du på fremtiden nu?

Borger: Det ved jeg ikke helt. Jeg håber, jeg kommer op på fuld tid, men lægen er ikke sikker på, at ryggen kan holde til det. Der har været snak om, at jeg måske skal i jobafklaring, hvis det trækker ud. Det er jeg lidt bange for, for det lyder som noget, der kan vare i årevis. Jeg har hørt om folk, der har været i jobafklaring i tre år. Det vil jeg ikke.

Interviewer: Hvis du skulle give jobcentret et godt råd, hvad skulle det så være?

Borger: At de fortæller folk fra starten, hvordan forløbet ser ud. Hvad sker der efter tre måneder, hvad sker der efter et halvt år, hvornår skal der lægeerklæringer til. Så man ikke bliver overrasket hele tiden. Og så at man kan få fat i sin sagsbehandler uden at skulle ringe fire gange. Måske en sms, når de har set ens besked. Bare så man ved, at den er kommet frem.

Interviewer: Er der noget, du gerne vil sige til sidst?

Borger: Kun at jeg var meget fordomsfuld, da jeg startede, og at det har været bedre, end jeg troede. Det er mest de mennesker, jeg har mødt, der har gjort forskellen. Det er systemet omkring dem, der gør det svært.

Interviewer: Tak for din tid.
"""


def parse_turns(text: str) -> list[str]:
    """One turn per non-empty paragraph of the source text."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def build(out: Path = OUT) -> Path:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    for turn in parse_turns(TURNS):
        label, sep, rest = turn.partition(": ")
        if not sep:
            raise ValueError(f"turn without speaker label: {turn[:40]!r}")
        para = doc.add_paragraph()
        para.add_run(f"{label}:").bold = True
        para.add_run(f" {rest}")
    props = doc.core_properties
    props.author = "Analyseenheden"
    props.last_modified_by = "Analyseenheden"
    props.title = "Interview med borger på sygedagpenge"
    props.subject = "Eksempelmateriale til kodebog"
    props.language = "da-DK"
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.last_printed = FIXED_DATE
    props.revision = 1
    props.keywords = "jobcenter; sygedagpenge; interview"
    props.comments = ""
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


if __name__ == "__main__":
    path = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"wrote {path}")
