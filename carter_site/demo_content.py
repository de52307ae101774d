"""Demo content for a development site: locations, FAQs, testimonials, articles and standing pages.

The data is plain Python below; `load_demo_content()` writes it in one transaction and
can be run any number of times. Rows are matched on a natural key (slug, question, quote),
changed only where they differ from the data here, and each demo object's placements and
opening hours are brought in line with the data (extras removed, nothing duplicated). Each
object's history starts with the version written here, as if an editor had saved it.

Everything here is invented for demonstration, including the testimonials: never load it
into the production database.
"""

import datetime
from decimal import Decimal

import reversion
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleLocation, Clinician, ReadNextChoice, review_fingerprint
from carter_site.models import SiteSettings
from faqs.models import FAQ, ArticleFAQ, LocationFAQ, Topic
from locations.models import Location, OpeningHours, SpecialDay
from pages.models import Page
from testimonials.models import ArticleTestimonial, Testimonial

UTC = datetime.UTC
MONDAY_TO_FRIDAY = [0, 1, 2, 3, 4]
MONDAY_TO_THURSDAY = [0, 1, 2, 3]

SITE_SETTINGS = {
    "organization_name": "The Carter Treatment Center",
    "phone": "(470) 284-1834",
}

SERVICES_COMMON = [
    "Intensive outpatient program (IOP), morning track",
    "Intensive outpatient program (IOP), evening track",
    "Individual therapy",
    "Family sessions",
    "Weekly outpatient care after IOP",
]

# What each demo location says about a first visit (Location.first_visit).
FIRST_VISIT = (
    "Someone from our front desk greets you when you arrive and shows you where to wait. Come about "
    "fifteen minutes early for your first session, if you can, so there is time for a little "
    "paperwork.\n\n"
    "Bring a photo ID and your insurance card. We check your benefits with your insurer before your "
    "first day, and tell you what we find before you start."
)

LOCATIONS = [
    {
        "slug": "alpharetta",
        "name": "Alpharetta",
        "summary": "Morning and evening IOP tracks in north Fulton, a few minutes from GA-400, "
        "with free parking and a quiet, private waiting area.",
        "body": (
            "<p>Our Alpharetta office is on the second floor of a quiet office building a short "
            "drive from GA-400. The group rooms sit well away from the waiting area, so arriving "
            "feels calm rather than on display.</p>\n"
            "<p>Both the <strong>morning</strong> and the <strong>evening track</strong> meet here "
            "Monday through Friday. That makes Alpharetta a practical choice if you work in north "
            "Fulton or Forsyth County and want to come in before or after your workday.</p>\n"
            "<p>One-on-one sessions and family sessions are held here too, including some evening "
            "appointments for families who can't come during the day.</p>"
        ),
        "street_address": "2300 Example Parkway, Suite 210",
        "city": "Alpharetta",
        "state": "GA",
        "postal_code": "30009",
        "phone": "",
        "licence_numbers": "Georgia Department of Community Health, Drug Abuse Treatment and Education "
        "Program license DATEP-000101 (demo)",
        "services": "\n".join(SERVICES_COMMON),
        "latitude": Decimal("34.071900"),
        "longitude": Decimal("-84.275600"),
        "parking": "Free parking in the lot right in front of the building, with no permit or ticket "
        "needed. The entrance is a few steps' walk from the nearest spaces.",
        "public_transport": "A local bus stops on Example Parkway, about a five-minute walk away. Check "
        "the route and times with the transit operator before you travel, as they change from time "
        "to time.",
        "finding_the_door": "Use the main entrance of the building, facing the parking lot, and take the "
        "elevator or the stairs to the second floor. We are Suite 210, on the left.\n\n"
        "The sign on our door says only “Suite 210”: nothing on it mentions treatment.",
        "step_free_access": "step_free",
        "access_note": "There is an accessible restroom on our floor, and chairs with arms in the "
        "waiting area.",
        "first_visit": FIRST_VISIT,
        "order": 1,
        "is_published": True,
        "hours": [
            {"weekdays": MONDAY_TO_FRIDAY, "opens": "09:00", "closes": "12:00", "label": "Morning track"},
            {"weekdays": MONDAY_TO_FRIDAY, "opens": "18:00", "closes": "21:00", "label": "Evening track"},
        ],
        "faqs": ["morning-or-evening", "employer", "insurance-cover"],
    },
    {
        "slug": "jefferson",
        "name": "Jefferson",
        "summary": "Intensive outpatient care for Jackson County and northeast Georgia, with a "
        "weekday morning track and evening groups Monday to Thursday.",
        "body": (
            "<p>Our Jefferson location serves Jackson County and the towns along I-85 and US-129.</p>\n"
            "<p>The <strong>morning track</strong> meets Monday through Friday. The "
            "<strong>evening track</strong> meets Monday through Thursday, which leaves your Friday "
            "evenings free.</p>\n"
            "<p>If you live in northeast Georgia and the drive into Atlanta has kept you from looking "
            "into treatment, this location is meant for you. Individual therapy, family sessions and "
            "weekly care after the program all happen here, close to home.</p>"
        ),
        "street_address": "150 Sample Street, Suite B",
        "city": "Jefferson",
        "state": "GA",
        "postal_code": "30549",
        "phone": "",
        "licence_numbers": "Georgia Department of Community Health, Drug Abuse Treatment and Education "
        "Program license DATEP-000102 (demo)",
        "services": "\n".join(SERVICES_COMMON),
        "latitude": Decimal("34.117000"),
        "longitude": Decimal("-83.572400"),
        "parking": "Free parking at the front of the building, including two accessible spaces beside "
        "the entrance.",
        "finding_the_door": "We are in a single-story building set back from Sample Street. Our door "
        "is Suite B, the second door from the left as you face the building.\n\n"
        "The sign by the door shows the suite letter and the name of the center.",
        "step_free_access": "step_free",
        "access_note": "The entrance is level with the parking lot, and the restroom inside is accessible.",
        "first_visit": FIRST_VISIT,
        "order": 2,
        "is_published": True,
        "hours": [
            {"weekdays": MONDAY_TO_FRIDAY, "opens": "09:00", "closes": "12:00", "label": "Morning track"},
            {"weekdays": MONDAY_TO_THURSDAY, "opens": "18:00", "closes": "21:00", "label": "Evening track"},
        ],
        "faqs": ["days-per-week", "come-back", "missed-session"],
    },
    {
        "slug": "atlanta",
        "name": "Atlanta",
        "summary": "Morning and evening IOP tracks in Buckhead, near Peachtree Road and GA-400, plus "
        "a weekly support group for people who have finished the program.",
        "body": (
            "<p>Our Atlanta location is in Buckhead, between Peachtree Road and GA-400.</p>\n"
            "<p>The <strong>morning</strong> and <strong>evening tracks</strong> both meet here Monday "
            "through Friday. Many clients come from offices in Midtown and Buckhead and choose the "
            "evening track so they can attend after work.</p>\n"
            "<p>This location also hosts a weekly support group for people who have completed IOP and "
            "want to keep meeting with others who understand.</p>"
        ),
        "street_address": "3400 Example Road NE, Suite 500",
        "city": "Atlanta",
        "state": "GA",
        "postal_code": "30305",
        "phone": "",
        "licence_numbers": "Georgia Department of Community Health, Drug Abuse Treatment and Education "
        "Program license DATEP-000103 (demo)",
        "services": "\n".join([*SERVICES_COMMON, "Weekly support group for program graduates"]),
        "latitude": Decimal("33.846300"),
        "longitude": Decimal("-84.373400"),
        "parking": "Paid parking in the building's garage, entered from the side street. Take the garage "
        "elevator up to the lobby. Keep your ticket: you pay as you leave.",
        "public_transport": "A MARTA rail station is about a ten-minute walk away, and several MARTA "
        "bus routes stop on Example Road, close to the building's front door.",
        "finding_the_door": "Come in through the main lobby on Example Road and take the elevators to "
        "the fifth floor. We are Suite 500, to the right as you leave the elevator.\n\n"
        "The building directory and our door list us as “Suite 500”, with no mention of "
        "treatment.",
        "step_free_access": "step_free",
        "access_note": "The lobby, the elevators and our suite are step-free, and there is an accessible "
        "restroom in the suite.",
        "first_visit": FIRST_VISIT,
        "order": 3,
        "is_published": True,
        "hours": [
            {"weekdays": MONDAY_TO_FRIDAY, "opens": "09:00", "closes": "12:00", "label": "Morning track"},
            {"weekdays": MONDAY_TO_FRIDAY, "opens": "18:00", "closes": "21:00", "label": "Evening track"},
        ],
        "faqs": ["keep-working", "insurance-cover", "first-week"],
    },
]

TOPICS = [
    {"slug": "starting-iop", "name": "Starting IOP", "order": 1},
    {"slug": "returning-to-iop", "name": "Returning to IOP", "order": 2},
    {"slug": "insurance-and-cost", "name": "Insurance and cost", "order": 3},
    {"slug": "daily-life-during-treatment", "name": "Daily life during treatment", "order": 4},
]

# "key" exists only so the placements below can refer to an FAQ; it is not stored. "was" is a
# question's earlier wording, which a database loaded before it was reworded still has.
FAQS = [
    {
        "key": "days-per-week",
        "topic": "starting-iop",
        "order": 1,
        "question": "How many days a week will I need to come?",
        "answer": "<p>Most people attend three to five days a week, for about three hours each day. Your "
        "clinician recommends a number based on what you need, and it often goes down as you settle "
        "into the program.</p>",
    },
    {
        "key": "morning-or-evening",
        "topic": "starting-iop",
        "order": 2,
        "question": "Is there a morning or an evening option?",
        "answer": "<p>Yes. Each location runs a morning track, roughly 9:00 a.m. to noon, and an evening "
        "track, roughly 6:00 to 9:00 p.m. Choose the one you can attend most reliably. If your schedule "
        "changes, you can ask to switch where there is room.</p>",
    },
    {
        "key": "first-week",
        "topic": "starting-iop",
        "order": 3,
        "question": "What happens in the first week?",
        "answer": "<p>Before your first day we talk through what has been going on and confirm your "
        "insurance benefits. During the first week you meet your clinician, join your group, have your "
        "first individual session and start shaping your care plan. It is fine to mostly listen while "
        "you find your feet.</p>",
    },
    {
        "key": "how-long",
        "topic": "starting-iop",
        "order": 4,
        "question": "How long does IOP last?",
        "answer": "<p>A typical stay is four to six weeks, though it depends on how you are doing. "
        "Afterwards, most people step down to weekly outpatient care, a support group or individual "
        "therapy, so support doesn't stop all at once.</p>",
    },
    {
        "key": "label",
        "topic": "starting-iop",
        "order": 5,
        # In quotation marks: a label readers fear being given, named, not used (articles/wording.py).
        "question": "Do I have to call myself an “addict”?",
        "was": "Do I have to call myself an addict?",
        "answer": "<p>No. You don't need to accept any label to take part. If drinking or drug use is "
        "causing you pain or getting in the way of your life, that is reason enough to come in.</p>",
    },
    {
        "key": "talk-in-group",
        "topic": "starting-iop",
        "order": 6,
        "question": "Will I have to share in group?",
        "was": "Do I have to talk in group?",
        "answer": "<p>No one will make you share. Many people listen for the first few sessions and speak "
        "up when they are ready. Your clinician will invite you in, not push you.</p>",
    },
    {
        "key": "come-back",
        "topic": "returning-to-iop",
        "order": 1,
        "question": "I dropped out of IOP. Can I come back without starting over?",
        "answer": "<p>Yes. We build on the work you already did instead of going back to day one. "
        "Together we look at what helped, what got in the way and what has changed, and agree on a plan "
        "that fits where you are now.</p>",
    },
    {
        "key": "explain-leaving",
        "topic": "returning-to-iop",
        "order": 2,
        "question": "Do I have to explain why I left?",
        "answer": "<p>Not in order to come back. Your clinician will want to understand what made it hard "
        "to stay, so the plan works better this time, but that is a conversation, not a test. Nobody "
        "is waiting for an apology.</p>",
    },
    {
        "key": "use-again",
        "topic": "returning-to-iop",
        "order": 3,
        "question": "What if I drink or use again during the program?",
        "answer": "<p>Tell us. A return to use is common, and we treat it as information about what you "
        "need, not as a reason to send you away. Your clinician may adjust your plan, and if a "
        "different level of care would be safer for you, we will help you find it.</p>",
    },
    {
        "key": "insurance-cover",
        "topic": "insurance-and-cost",
        "order": 1,
        "question": "Does insurance cover IOP?",
        "answer": "<p>Often, yes: many commercial health plans pay for intensive outpatient treatment. Coverage "
        "varies from plan to plan, so we verify your benefits with your insurer before your first day "
        "and explain what we find.</p>",
    },
    {
        "key": "what-will-i-pay",
        "topic": "insurance-and-cost",
        "order": 2,
        "question": "How will I know what I'll have to pay?",
        "answer": "<p>When we verify your benefits, we look at your deductible, your copay or "
        "coinsurance, your out-of-pocket maximum and any prior authorization your plan requires. We go "
        "over the numbers with you before you start, so they don't come as a surprise later.</p>",
    },
    {
        "key": "no-insurance",
        "topic": "insurance-and-cost",
        "order": 3,
        "question": "What if I don't have insurance, or my plan won't cover IOP?",
        "answer": "<p>Talk to us anyway. We can explain what self-pay would cost, and if our program isn't "
        "workable for you, we will help you look at other options, including publicly funded programs "
        "in Georgia.</p>",
    },
    {
        "key": "keep-working",
        "topic": "daily-life-during-treatment",
        "order": 1,
        "question": "Can I keep working while I'm in IOP?",
        "answer": "<p>Yes. Most of our clients keep working throughout. With about three hours a day on "
        "either a morning or an evening track, the program is built to fit around a working week.</p>",
    },
    {
        "key": "employer",
        "topic": "daily-life-during-treatment",
        "order": 2,
        "question": "Will my employer find out?",
        "answer": "<p>We won't contact your employer without your written permission, and federal law "
        "gives substance use treatment records extra privacy protection. We can't control every route "
        "information takes, though. For example, if someone else is the policyholder on your insurance, "
        "they may receive statements, so ask us and we will walk through your situation.</p>",
    },
    {
        "key": "missed-session",
        "topic": "daily-life-during-treatment",
        "order": 3,
        "question": "What if I can't make it to a session?",
        "was": "What if I miss a session?",
        "answer": "<p>Life happens, and an occasional absence can be worked around. Let your clinician "
        "know as early as you can. If absences start to add up, we will look together at what is "
        "getting in the way, whether that's your track, your location or something else.</p>",
    },
    {
        "key": "family",
        "topic": "daily-life-during-treatment",
        "order": 4,
        "question": "Can my family be involved?",
        "answer": "<p>If you want them to be, yes. Family sessions give the people close to you a chance "
        "to understand what you are working on and how to support it. You decide who takes part and "
        "what is shared.</p>",
    },
    {
        "key": "besides-group",
        "topic": "daily-life-during-treatment",
        "order": 5,
        "question": "What else happens besides group therapy?",
        "answer": "<p>Each week includes one individual session with your therapist, practical "
        "skill-building for cravings, anxiety, communication and daily routines, and holistic work such "
        "as movement, meditation and creative therapies.</p>",
    },
]

# "key" exists only so the placements below can refer to a testimonial; it is not stored.
TESTIMONIALS = [
    {
        "key": "evening-alpharetta",
        "quote": "I kept telling myself I was too busy for treatment. The evening group meant I didn't "
        "have to choose between my job and getting help, and for the first time in a long while I "
        "felt like I could breathe.",
        "attribution": "Evening-track client, 2024",
        "location": "alpharetta",
        "consent_on_file": True,
        "consent_signed_on": datetime.date.fromisoformat("2024-11-14"),
        "is_published": True,
        "is_featured": True,
    },
    {
        "key": "returned-jefferson",
        "quote": "I left after two weeks and was sure I had burned that bridge. When I called back, "
        "nobody lectured me. They just asked when I could come in.",
        "attribution": "Returning IOP client, 2025",
        "location": "jefferson",
        "consent_on_file": True,
        "consent_signed_on": datetime.date.fromisoformat("2025-09-02"),
        "is_published": True,
        "is_featured": True,
    },
    {
        "key": "quiet-in-group",
        "quote": "Group scared me more than anything else. I mostly listened for the first few sessions, "
        "and that was okay with everyone in the room.",
        "attribution": "Former IOP client, 2023",
        "location": None,
        "consent_on_file": True,
        "consent_signed_on": datetime.date.fromisoformat("2024-01-22"),
        "is_published": True,
        "is_featured": False,
    },
    {
        "key": "morning-atlanta",
        "quote": "My therapist helped me see that drinking had become the way I handled anxiety. "
        "Learning other ways took time, and I am still practicing them.",
        "attribution": "Morning-track client, 2024",
        "location": "atlanta",
        "consent_on_file": True,
        "consent_signed_on": datetime.date.fromisoformat("2024-06-10"),
        "is_published": True,
        "is_featured": False,
    },
    {
        "key": "family-session",
        "quote": "The family session was hard. It was also the first honest conversation my wife and I "
        "had had in years.",
        "attribution": "Former IOP client, 2025",
        "location": "atlanta",
        "consent_on_file": True,
        "consent_signed_on": datetime.date.fromisoformat("2025-02-18"),
        "is_published": True,
        "is_featured": False,
    },
    {
        # Shows the consent gate: without signed authorization it can never be public.
        "key": "awaiting-consent",
        "quote": "Demo entry: a client's words waiting for their signed authorization. It stays off the "
        "public site until consent is on file.",
        "attribution": "Morning-track client, 2025 (awaiting consent)",
        "location": None,
        "consent_on_file": False,
        "is_published": False,
        "is_featured": False,
    },
]

ARTICLE_BODY_WHAT_TO_EXPECT = """\
<p>If you have been wondering whether you need help with drinking or drug use, you have probably also \
been wondering what that help would actually involve. For many people the picture is a hospital bed or a \
month away from home, and that picture alone is enough to put off making the call. An intensive \
outpatient program, or IOP, works differently. This article walks through what it is, how a week is put \
together and what happens when it ends, so you can decide with real information instead of guesses.</p>
<h2>What "intensive outpatient" means</h2>
<p>Outpatient means you live at home and come to us for treatment. Intensive means it is more than a \
weekly appointment: you attend <strong>three to five days a week, for about three hours at a \
time</strong>. That is enough structure to make real changes while you keep going to work, picking up \
your kids and sleeping in your own bed.</p>
<p>Each of our locations runs two tracks, one in the morning and one in the evening. You choose the one \
that fits around your life, and you can talk to us about switching if your schedule changes.</p>
<h2>How a week is put together</h2>
<p>Every week holds a mix of group work, individual time and practice. No two weeks feel exactly the \
same, but the main pieces stay constant.</p>
<h3>Group therapy</h3>
<p>Most of your hours are spent in a small group led by a licensed clinician. The other people in the \
room are working through many of the same things you are. Sessions cover topics such as:</p>
<ul>
<li>the situations, moods and people that tend to set off cravings</li>
<li>shame and perfectionism, and how they keep the cycle going</li>
<li>setting boundaries with work, family and friends</li>
<li>the patterns underneath substance use, not just the use itself</li>
</ul>
<p>You are welcome to listen for as long as you need. Nobody will put you on the spot.</p>
<h3>Individual sessions</h3>
<p>Each week you also have a session on your own with your therapist. This is the place for things you \
may not want to say in a group yet: grief, a relationship under strain, anxiety that was there long \
before the drinking started. It is also where your care plan gets adjusted as you go.</p>
<h3>Skills you can use the same day</h3>
<p>Part of each week is practical. You learn ways to ride out a craving or a spike of anxiety while it \
is happening. You practice saying difficult things more clearly. And you build daily routines that hold \
you up instead of wearing you down.</p>
<h3>Holistic work</h3>
<p>Recovery happens in the body as well as the mind. Depending on the day, you may try gentle movement, \
guided meditation or creative work such as writing or art. None of it requires talent or \
experience.</p>
<h2>Your first few days</h2>
<p>Before you start, we talk with you about what has been going on, check your insurance benefits and \
answer your questions. On your first day you meet your clinician, get a feel for the schedule and join \
your group. Feeling nervous is normal. Many people tell us the waiting was harder than the day \
itself.</p>
<h2>How long it lasts</h2>
<p>A typical stay is <strong>four to six weeks</strong>. Some people need a little less and some a \
little more. Your clinician reviews your progress with you rather than holding you to a fixed end \
date.</p>
<h2>What comes after</h2>
<p>Finishing IOP is a step, not a finish line. Before you leave, you and your therapist plan what \
support looks like next. Common options include:</p>
<ul>
<li>weekly outpatient sessions that keep some structure in place</li>
<li>a support group where you can keep talking with people who understand</li>
<li>continuing individual therapy</li>
</ul>
<p>The aim is that support tapers off gradually instead of stopping all at once.</p>
<h2>Is IOP right for you?</h2>
<p>IOP suits many people whose lives still look fine from the outside but who know their drinking or \
drug use has become a way of getting through the day. It is not the right level of care for everyone. \
If you need medical help to stop safely, or more support than a few hours a day can give, we will tell \
you so and help you find it. The simplest way to find out is to talk it through with us. There is no \
obligation, and asking questions is not the same as signing up.</p>"""

ARTICLE_BODY_COMING_BACK = """\
<p>Maybe work got busy. Maybe a week went badly and it felt easier to stop showing up than to walk back \
into group and say so. Maybe you felt better and decided you had learned enough. However it happened, \
you left the program before you finished, and now some part of you is wondering whether the door is \
still open.</p>
<p>It is. A large share of the people who contact us have started treatment before, here or somewhere \
else. Coming back is common, and we are glad every time it happens.</p>
<h2>Why people step away</h2>
<p>Leaving early rarely means someone didn't care. More often it comes down to something like this:</p>
<ul>
<li>a schedule that stopped working, such as a new shift, a move or a change in a child's routine</li>
<li>a slip or relapse that brought up so much shame that going back felt impossible</li>
<li>a stretch of feeling well that made treatment seem unnecessary</li>
<li>worry about cost, or about someone at work finding out</li>
<li>plain exhaustion from holding everything together</li>
</ul>
<p>None of these make you a bad fit for treatment. They are useful information, and they help us plan \
something that is more likely to hold this time.</p>
<h2>You don't have to start from zero</h2>
<p>What you learned the first time still counts. When you come back, we look at where you left off: what \
was helping, what wasn't and what has changed since. Your clinician builds on that instead of repeating \
everything from the first day. Some people return for a shorter stay; others need the full program \
again. We decide that with you, based on how you are doing now, not on how things ended before.</p>
<h3>What the first conversation covers</h3>
<p>When you get in touch, we ask a few practical questions. How long has it been? What do your days \
look like at the moment, and what do you want to be different? We check your insurance again, because benefits \
sometimes change from one year to the next (<a href="/articles/does-insurance-cover-iop/">what your \
plan may pay for, and how we check</a>). You won't be asked to justify leaving or to prove that you \
are serious this time.</p>
<h2>If you have used again</h2>
<p>Many people who leave treatment have a stretch of drinking or using afterwards, and they often \
assume that wipes out their progress. It doesn't. A return to use tells us something about what you \
need, perhaps more structure, a different track or more attention to anxiety and sleep. It is something \
to understand, not something to be punished for.</p>
<p>If you have been drinking heavily or using every day, please tell us. Stopping some substances \
suddenly can be physically risky, and we want to make sure you get the right level of care. That may \
mean medical support before or alongside IOP.</p>
<h2>Making it fit this time</h2>
<p>If something about the program's setup made it hard to stay, say so. There may be a simple fix:</p>
<ul>
<li>switching between the <a href="/articles/morning-or-evening-track-choosing-the-schedule-that-fits/">\
morning and evening tracks</a></li>
<li>attending a different location that is closer to work or home</li>
<li>adjusting how many days a week you come, within what your care plan needs</li>
<li>bringing a partner or family member into a session, so you have support at home</li>
</ul>
<p>Small changes like these often make the difference between a program you can keep up with and one \
you quietly drift away from.</p>
<h2>Walking back in</h2>
<p>For most people the hardest part is the first session back. You might worry about seeing familiar \
faces or having to explain yourself. <em>You don't owe anyone an explanation.</em> Groups change as \
people finish and new people start, and everyone in the room is working through setbacks of their own. \
Our staff will be glad to see you, and we mean that plainly.</p>
<p>If you are reading this late at night and aren't sure you are ready, that is all right too. You can \
ask questions first and decide later. What matters is knowing the option is still there.</p>"""

ARTICLE_BODY_MORNING_OR_EVENING = """\
<p>One of the first decisions you make when you start an intensive outpatient program is a practical \
one: mornings or evenings? Both tracks at The Carter Treatment Center offer the same kind of care, \
about three hours of treatment a day, three to five days a week. The only difference is when those hours \
fall. Choosing well can make it much easier to keep showing up.</p>
<h2>The two tracks at a glance</h2>
<ul>
<li><strong>Morning track:</strong> roughly 9:00 a.m. to noon, Monday through Friday.</li>
<li><strong>Evening track:</strong> roughly 6:00 to 9:00 p.m. on weekday evenings. At our Jefferson \
location, evening groups meet Monday through Thursday.</li>
</ul>
<p>Your care plan sets how many of those days you attend. Each location's page lists its current \
hours.</p>
<h2>Questions to ask yourself</h2>
<h3>When does your work happen?</h3>
<p>If you work a standard office day, the evening track usually means taking no time off at all. If you \
work evenings, nights or shifts, or your job lets you start late, the morning track may fit better. \
Think about your real week rather than the ideal one: late meetings, travel and busy seasons all \
count.</p>
<h3>When do you have the most energy?</h3>
<p>Treatment asks something of you. Some people find it easier to do that work with a fresh mind and \
then carry what they learned into the rest of the day. Others are sharpest later on and like having \
group as a way to close out the day.</p>
<h3>When are your hardest hours?</h3>
<p>This one is worth some thought. For many people, the riskiest stretch is right after work, when the \
day is done and the habit of reaching for something to take the edge off is strongest. An evening group \
puts support exactly there. If your hardest time is the morning, for instance because you wake up \
anxious, a morning group can help you start the day differently.</p>
<h3>What about family?</h3>
<p>Think about school runs, dinner, bedtime and whoever else depends on you. If a partner or relative \
can cover the evening routine for a few weeks, that opens up the evening track. If mornings are when the \
house is quiet, that may settle it.</p>
<h2>Privacy and time off</h2>
<p>Many people choose the evening track partly so they don't have to explain absences at work. That is a \
reasonable choice. If the morning track suits you better and you need time away from your job, you may \
be able to use paid leave or flexible hours. You decide how much to share. If you want a sentence to \
start with, something like this is often enough:</p>
<blockquote><p>I have a medical commitment a few mornings a week for the next several weeks, and I'd \
like to talk about adjusting my hours while it lasts.</p></blockquote>
<p>We don't contact your employer without your written permission. If you need paperwork for leave, we \
can go through what it would say before anything is sent.</p>
<h2>When your schedule changes</h2>
<p>Life rarely holds still for six weeks. If a new shift, a sick child or a busy stretch at work makes \
your track hard to keep, tell your clinician early. Where there is room, you can move between tracks, \
and sometimes between locations, without losing your place in the program.</p>
<p>Missing a session now and then happens. What matters is that you and your clinician work out a plan \
together, rather than letting absences quietly pile up until coming back feels awkward.</p>
<h2>There isn't a wrong answer</h2>
<p>People do well on both tracks. Pick the one you can realistically attend most consistently, and \
adjust if it turns out not to fit. If you are unsure, we are happy to look at your week with you and \
help you choose.</p>"""

ARTICLE_BODY_INSURANCE = """\
<p>Worry about money keeps a lot of people from looking into treatment. It is a fair worry. The honest \
answer to "Will my insurance pay for this?" is usually: quite possibly, at least in part, and we can \
find out for you before you commit to anything.</p>
<h2>The short answer</h2>
<p>Many commercial insurance plans, including many that come through an employer, cover intensive \
outpatient programs for substance use. Federal parity law generally requires health plans that offer \
mental health and substance use benefits not to make them more restrictive than their medical \
benefits. That does not mean every plan covers everything, or that treatment will cost you nothing. It \
does mean coverage is common and worth checking.</p>
<h2>What we check before your first day</h2>
<p>Before you start, our admissions staff verify your benefits with your insurer. With your permission, \
we look at:</p>
<ul>
<li>whether your plan covers intensive outpatient treatment at our locations</li>
<li>whether we are in network, or how your out-of-network benefits apply</li>
<li>whether your plan requires prior authorization</li>
<li>your deductible, and how much of it you have already met this year</li>
<li>your copay or coinsurance, and your out-of-pocket maximum</li>
</ul>
<p>Then we explain what we found in plain language, so you know what to expect before you begin rather \
than after the bills arrive.</p>
<h2>The words on your insurance paperwork</h2>
<h3>Deductible</h3>
<p>The amount you pay for covered care each year before your plan starts paying its share. If you have \
had other medical costs this year, you may already be part of the way there.</p>
<h3>Copay and coinsurance</h3>
<p>A copay is a fixed amount per visit or per day. Coinsurance is a percentage of the cost that you pay \
once your deductible is met. Plans use one, the other or both.</p>
<h3>Out-of-pocket maximum</h3>
<p>The most you pay for covered care in a plan year. Once you reach it, your plan pays for covered \
services for the rest of that year.</p>
<h3>Prior authorization</h3>
<p>Some plans want to approve treatment before it starts and review it as it goes. We handle those \
requests with your insurer. Your part is usually just answering our questions honestly.</p>
<h2>If your plan doesn't cover IOP, or you have no insurance</h2>
<p>Talk to us anyway. We can explain what self-pay would cost. If our program isn't workable for \
you financially, we will help you look at other options, such as publicly funded programs in Georgia. \
The federal directory at <a href="https://findtreatment.gov/" rel="noopener noreferrer">\
FindTreatment.gov</a> is another place to search. You shouldn't have to work this out alone.</p>
<h2>Who sees what</h2>
<p>Claims go to your insurer, not to your manager. Employers generally don't see the details of \
individual claims, and substance use treatment records have extra protection under federal privacy \
law. There are limits, though. If someone else is the policyholder, such as a parent or spouse, they \
may receive statements showing that you received care. If that worries you, tell us and we will go \
through what is likely to be sent, and to whom, as precisely as we can.</p>
<h2>A few questions worth asking</h2>
<ul>
<li>Is there a limit on the number of treatment days my plan covers?</li>
<li>What happens to my coverage when I step down to weekly outpatient care?</li>
<li>Are individual and family sessions billed separately from group?</li>
</ul>
<p>We ask these for you during verification, but it can help to hear the answers yourself as well. Cost \
is a real part of the decision, and it deserves a clear answer before your first day, not a surprise \
after it.</p>"""

ARTICLE_BODY_ANXIETY_BURNOUT = """\
<p>Very few people set out to depend on alcohol or drugs. More often it starts as a solution. A glass of \
wine takes the edge off a hard day. Something helps you sleep when your mind won't stop. A pill makes a \
packed calendar feel manageable. For a while, it works. Then, slowly, it takes more to get the same \
relief, and the relief doesn't last as long.</p>
<p>If that sounds familiar, you are not alone, and you are not weak. You found something that helped you \
cope with real pressure. The question now is whether it is still helping.</p>
<h2>How anxiety, burnout and substance use feed each other</h2>
<p>Anxiety and burnout are exhausting. Your body stays on alert, rest stops feeling restful and small \
tasks start to feel heavy. Alcohol and many drugs quiet that feeling quickly, which is exactly why they \
are so easy to lean on.</p>
<p>The trouble is what happens afterwards. As the effect wears off, anxiety often comes back stronger. \
Sleep gets lighter and does less for you. You wake up tired, push through the day on willpower and reach \
for relief again in the evening. Over weeks and months, the thing you use to manage stress becomes a \
source of it.</p>
<h2>Signs your coping has stopped working</h2>
<p>There is no single line you cross. These are some of the signals people describe:</p>
<ul>
<li>you look forward to the first drink or dose more than anything else in your day</li>
<li>you use more, or more often, than you meant to</li>
<li>you feel on edge, low or shaky when you go without</li>
<li>you hide how much you use, or keep track of what other people might notice</li>
<li>things that used to restore you, like exercise, friends or hobbies, have dropped away</li>
<li>you keep promising yourself you will cut back next week, and next week keeps moving</li>
</ul>
<p>Recognizing yourself in one or two of these doesn't decide anything about you. It means it is worth \
talking to someone.</p>
<h2>You don't need a label to get help</h2>
<p>Many people hold off because they don't see themselves as "that kind of person." Nobody here will ask \
you to take on a label. What matters is whether drinking or drug use is costing you things you care \
about: sleep, health, patience with your kids, trust in yourself. If it is, that is reason enough to look \
at it.</p>
<h2>What helps instead</h2>
<p>Treating substance use well usually means treating the anxiety and exhaustion underneath it at the \
same time. In our intensive outpatient program, that work happens in a few ways.</p>
<h3>Understanding the pattern</h3>
<p>In group and in your weekly individual session, you look at when and why you reach for relief: the \
times of day, the feelings, the situations. Seeing the pattern clearly is often the first moment it \
starts to feel changeable.</p>
<h3>Skills for the hard moments</h3>
<p>You practice specific ways to get through a wave of anxiety or a craving without using. You might \
slow your breathing, ground yourself in what is around you, delay and distract, or reach out to \
someone. They feel awkward at first and get easier with repetition.</p>
<h3>Rest and boundaries</h3>
<p>Burnout often grows out of saying yes to everything. Part of recovery is learning to say no without \
guilt, to protect your sleep and to build days that have some room in them.</p>
<h3>Body and mind together</h3>
<p>Movement, meditation and creative work give your nervous system other ways to settle. They are not a \
replacement for therapy, but many people find they make the rest of the work easier.</p>
<h2>A different way through</h2>
<p>Coping is a skill you already have. It has simply been relying on one tool for too long. With \
support, you can start building a wider set of tools, one week at a time, while keeping your job and \
your life in place. You don't have to wait for things to get worse before that work begins.</p>
<p>If the weight of it has you thinking about ending your life, please don't carry that alone tonight: \
call or text 988, the Suicide &amp; Crisis Lifeline, at any hour. If you are in danger right now, call \
911.</p>"""

ARTICLES = [
    {
        "slug": "what-to-expect-from-an-intensive-outpatient-program",
        "title": "What an intensive outpatient program involves",
        "was_title": "What to expect from an intensive outpatient program",
        "summary": "How our intensive outpatient program works week to week: the time it takes, what "
        "happens in group and one-on-one, and what comes after.",
        "author": "Carter clinical team",
        "published_at": datetime.datetime(2026, 5, 12, 13, 0, tzinfo=UTC),
        "body": ARTICLE_BODY_WHAT_TO_EXPECT,
        "reviewed": ("Morgan Hale", datetime.date(2026, 5, 8)),
        "faqs": ["days-per-week", "first-week", "talk-in-group", "how-long"],
        "testimonials": ["quiet-in-group"],
        "locations": ["alpharetta", "jefferson", "atlanta"],
    },
    {
        "slug": "coming-back-to-iop-after-you-stepped-away",
        "title": "Coming back to IOP after you stepped away",
        "summary": "Left IOP before you finished? You can come back without starting over. Why people "
        "step away, and what returning looks like.",
        "author": "Carter clinical team",
        "published_at": datetime.datetime(2026, 6, 23, 13, 0, tzinfo=UTC),
        "body": ARTICLE_BODY_COMING_BACK,
        "reviewed": ("Morgan Hale", datetime.date(2026, 6, 19)),
        "faqs": ["come-back", "explain-leaving", "use-again"],
        "testimonials": ["returned-jefferson"],
        "locations": ["jefferson", "alpharetta"],
        # Chosen by the editor: someone coming back wants to know what the first weeks hold again.
        "read_next": ["what-to-expect-from-an-intensive-outpatient-program"],
    },
    {
        "slug": "morning-or-evening-track-choosing-the-schedule-that-fits",
        "title": "Morning or evening track: choosing the schedule that fits",
        "summary": "Our IOP runs a morning and an evening track. How to weigh work, family, energy and "
        "privacy when you choose, and what to do if your week changes.",
        # Written by a clinician on record, so the demo shows that byline and its link; read by
        # the other clinician, since a review is a second pair of eyes.
        "author": "",
        "written_by": "Morgan Hale",
        "published_at": datetime.datetime(2026, 8, 4, 13, 0, tzinfo=UTC),
        "body": ARTICLE_BODY_MORNING_OR_EVENING,
        "reviewed": ("Jordan Okafor", datetime.date(2026, 7, 30)),
        "faqs": ["morning-or-evening", "keep-working", "missed-session"],
        "testimonials": ["evening-alpharetta", "morning-atlanta"],
        "locations": ["alpharetta", "atlanta"],
    },
    {
        "slug": "does-insurance-cover-iop",
        "title": "Does insurance cover IOP?",
        "summary": "Many commercial health plans cover intensive outpatient treatment. What we check "
        "before your first day, and the costs worth asking about.",
        "author": "Carter admissions team",
        "published_at": datetime.datetime(2026, 9, 15, 13, 0, tzinfo=UTC),
        "body": ARTICLE_BODY_INSURANCE,
        "reviewed": ("Jordan Okafor", datetime.date(2026, 9, 10)),
        "faqs": ["insurance-cover", "what-will-i-pay", "no-insurance", "employer"],
        "testimonials": ["family-session"],
        "locations": ["alpharetta", "jefferson", "atlanta"],
    },
    {
        "slug": "anxiety-burnout-and-drinking-when-coping-stops-working",
        "title": "Anxiety, burnout and drinking: when coping stops working",
        "summary": "A drink or a pill often starts as a way to manage stress. How to notice when that "
        "coping has become the problem, and what helps instead.",
        "author": "Carter clinical team",
        "published_at": datetime.datetime(2026, 10, 27, 13, 0, tzinfo=UTC),
        "body": ARTICLE_BODY_ANXIETY_BURNOUT,
        "reviewed": ("Morgan Hale", datetime.date(2026, 10, 22)),
        "faqs": ["label", "besides-group", "family"],
        "testimonials": ["morning-atlanta"],
        "locations": ["atlanta"],
    },
]


# Standing pages, linked from every page's footer. They describe this site as it is built
# (docs/security.md says what it keeps and what it never does); a center's own notices (its
# Notice of Privacy Practices, its notice of nondiscrimination) are its lawyers' words, added
# in the admin, not invented here.
STANDING_PAGE_PRIVACY = """\
<p>Looking for help with drinking or drugs is private, and so is reading about it. This page
says what happens when you visit this website, and what never does.</p>
<h2>What this website does not do</h2>
<ul>
<li>It sends nothing about your visit to anyone else: no advertising or analytics services, no
social media buttons, no fonts, videos or maps loaded from other companies.</li>
<li>It sets no cookies when you read it. Only our own staff, signed in to edit the site, get one.</li>
<li>It never asks for your name, your health or your email address.</li>
</ul>
<h2>What our server keeps, and for how long</h2>
<p>Like every web server, ours writes a line for each page it sends: the time, the page's
address, your internet address and the name of your browser. We use these lines to keep the site
working and to stop attacks, and keep them no longer than 30 days.</p>
<p>The words you type into the search box, and the ZIP code or town you give to find your
nearest location, are used to answer you and then forgotten. They are never written in those
lines, never stored and never sent anywhere.</p>
<h2>Links to other websites</h2>
<p>"Directions on Google Maps" on each location's page takes you to Google's website or app,
which has its own privacy rules. Nothing is loaded from Google until you choose to follow the link.</p>
<h2>When you call us or start treatment</h2>
<p>Calls and treatment records are health information, protected by federal law (HIPAA, and 42
CFR Part 2 for substance use treatment). How we use and protect that information is set out in
our Notice of Privacy Practices, which you receive when you start. Ask us for a copy at any time.</p>
<h2>On a shared phone or computer</h2>
<p>Your browser keeps a history of the pages you read. If someone else uses your device, you can
read this site in a private or incognito window, or clear the history afterwards.</p>
"""

STANDING_PAGE_ACCESSIBILITY = """\
<p>Everyone should be able to read this site and find help on it, whatever device, browser or
assistive technology they use. We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.1
at level AA.</p>
<h2>What we do</h2>
<ul>
<li>Every page can be used with a keyboard alone, and is built so that screen readers can announce
its headings, links, buttons and forms.</li>
<li>Every page works without JavaScript and on a small phone screen, and text can be made twice
as large without losing anything.</li>
<li>Text and buttons have strong contrast, and every picture has a description.</li>
<li>We check every kind of page in a real browser each time the site changes, with automated
accessibility tests and with the keyboard.</li>
</ul>
<h2>What is outside our site</h2>
<p>"Directions on Google Maps" opens Google's own map, which we do not control. Each location's
address is written on its page, so you can use any map you like.</p>
<h2>Tell us about a problem</h2>
<p>If something on this site is hard to use, or you need its information in another way (read to
you over the phone, or in large print), call us at
<a href="tel:+14702841834">(470) 284-1834</a>. Tell us the page and what went wrong: we will help
you with what you came for, and put the page right.</p>
"""

STANDING_PAGES = [
    {
        "slug": "privacy",
        "title": "Privacy on this website",
        "summary": "What this website keeps when you visit it, and what it never does: no tracking, "
        "no cookies, nothing sent to other companies.",
        "body": STANDING_PAGE_PRIVACY,
        "order": 1,
    },
    {
        "slug": "accessibility",
        "title": "Accessibility",
        "summary": "How we make this site work for everyone, and how to tell us when something on it "
        "is hard to use.",
        "body": STANDING_PAGE_ACCESSIBILITY,
        "order": 2,
    },
]

# Invented clinicians, so the demo shows what a clinically reviewed article looks like (every
# live demo article is reviewed before it goes out, as the center's articles should be) and what
# a clinician's public page looks like: both agreed to one, in this invented world.
CLINICIANS = [
    {
        "name": "Morgan Hale",
        "credentials": "LCSW",
        "slug": "morgan-hale",
        "has_page": True,
        "bio": "Morgan leads the evening groups in Alpharetta and has spent most of a long career "
        "with adults who hold everything together at work while things come apart at home.\n\n"
        "Morgan reads our articles with one question in mind: would this help someone who is "
        "frightened, tired and reading it alone at night?\n\n"
        "(A demo clinician for the development site.)",
    },
    {
        "name": "Jordan Okafor",
        "credentials": "LPC, CAADC",
        "slug": "jordan-okafor",
        "has_page": True,
        "bio": "Jordan is a counselor who works with people whose drinking or drug use grew alongside "
        "anxiety and burnout, and with the families who want to help them without losing themselves.\n\n"
        "Jordan checks that what we write about insurance, schedules and coming back after a break "
        "matches what really happens here.\n\n"
        "(A demo clinician for the development site.)",
    },
]


class _Tally:
    """Counts rows created, changed and removed, for the summary, and remembers which demo objects
    a run wrote (themselves, their opening hours or their placements)."""

    def __init__(self):
        self.created = self.changed = self.removed = 0
        self.written = set()

    @property
    def total(self):
        return self.created + self.changed + self.removed


def _differs(obj, field_name, value):
    field = obj._meta.get_field(field_name)
    current = getattr(obj, field.attname)
    if field.is_relation:
        return current != (value.pk if value is not None else None)
    # to_python turns "09:00" into a time and sanitises rich text, as saving would.
    return current != field.to_python(value)


def _upsert(tally, model, lookup, values):
    """Create the row matching `lookup`, or update it; save only when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        tally.created += 1
    else:
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if not changed:
            return obj
        for name in changed:
            setattr(obj, name, values[name])
        tally.changed += 1
    obj.full_clean()
    obj.save()
    tally.written.add(obj)
    return obj


def _sync_children(tally, model, parent_field, parent, key_fields, rows):
    """Make `parent`'s rows of `model` exactly `rows` (dicts), matched on `key_fields`."""
    fields = [model._meta.get_field(name) for name in key_fields]

    def key_of(row):
        return tuple(field.to_python(getattr(row[field.name], "pk", row[field.name])) for field in fields)

    wanted = {key_of(row): row for row in rows}
    for existing in model.objects.filter(**{parent_field: parent}):
        if tuple(getattr(existing, field.attname) for field in fields) not in wanted:
            existing.delete()
            tally.removed += 1
            tally.written.add(parent)
    for row in wanted.values():
        lookup = {parent_field: parent, **{name: row[name] for name in key_fields}}
        values = {name: value for name, value in row.items() if name not in key_fields}
        before = tally.total
        _upsert(tally, model, lookup, values)
        if tally.total != before:
            tally.written.add(parent)
    return len(wanted)


def _keep_versions(objects, tally):
    """A version in each demo object's history (as an editor's save would keep), so the first
    edit of demo content can be undone from History: for what this run wrote, and for what has
    no version yet. A run that changes nothing adds none."""
    with reversion.create_revision():
        reversion.set_comment("Demo content, as load_demo_content wrote it.")
        for obj in objects:
            if obj in tally.written or not Version.objects.get_for_object(obj).exists():
                reversion.add_to_revision(obj)


def live_demo_content():
    """The demo's invented testimonials and its articles that visitors can see in this database, as
    {"testimonials": n, "articles": n} without the kinds that have none: {} when there are none.

    Demo rows carry no mark of their own; they are known by what only the demo has: a
    testimonial's quote, an article's slug together with its title. Locations and FAQs are left
    out, since a real site may well have an Alpharetta location or a question about insurance.
    """
    from django.db.models import Q

    demo_articles = Q(pk__in=[])
    for data in ARTICLES:
        # A title reworded since (was_title) is still the demo's in a database loaded before.
        titles = [data["title"], *filter(None, [data.get("was_title")])]
        demo_articles |= Q(slug=data["slug"], title__in=titles)
    counts = {
        "testimonials": Testimonial.objects.published()
        .filter(quote__in=[data["quote"] for data in TESTIMONIALS])
        .count(),
        "articles": Article.objects.published().filter(demo_articles).count(),
    }
    return {kind: count for kind, count in counts.items() if count}


def demo_special_days(today):
    """The demo's holiday hours and closures, by location slug: a staff training day at Jefferson
    on the first weekday at least eight days after `today`, the day the demo is loaded, so that it
    is always coming up (and shown: within two weeks) whenever the demo is loaded. A fixed holiday
    would be long past, or months away and shown nowhere, most of the year."""
    day = today + datetime.timedelta(days=8)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return {"jefferson": [{"first_day": day, "last_day": day, "reason": "Staff training", "closed": True}]}


@transaction.atomic
def load_demo_content():
    """Write the demo content; safe to run again. Returns counts of the demo objects."""
    tally = _Tally()
    site_settings = _upsert(tally, SiteSettings, {"pk": 1}, SITE_SETTINGS)

    locations = {}
    opening_hours = location_faqs = special_days = 0
    special = demo_special_days(timezone.localdate())
    for data in LOCATIONS:
        values = {k: v for k, v in data.items() if k not in {"slug", "hours", "faqs"}}
        locations[data["slug"]] = _upsert(tally, Location, {"slug": data["slug"]}, values)

    topics = {
        data["slug"]: _upsert(tally, Topic, {"slug": data["slug"]}, {k: data[k] for k in ("name", "order")})
        for data in TOPICS
    }

    faqs = {}
    for data in FAQS:
        values = {
            "answer": data["answer"],
            "topic": topics[data["topic"]],
            "order": data["order"],
            "is_published": True,
        }
        lookup = {"question": data["question"]}
        # A question reworded since an earlier load: that row gets the new words, and keeps its
        # history and its places on pages, rather than a second row asking the same.
        was = data.get("was")
        if was and not FAQ.objects.filter(**lookup).exists() and FAQ.objects.filter(question=was).exists():
            lookup, values = {"question": was}, {**values, "question": data["question"]}
        faqs[data["key"]] = _upsert(tally, FAQ, lookup, values)

    for data in LOCATIONS:
        location = locations[data["slug"]]
        hours = [
            {"weekday": day, "opens": block["opens"], "closes": block["closes"], "label": block["label"]}
            for block in data["hours"]
            for day in block["weekdays"]
        ]
        opening_hours += _sync_children(
            tally, OpeningHours, "location", location, ("weekday", "opens"), hours
        )
        special_days += _sync_children(
            tally, SpecialDay, "location", location, ("first_day",), special.get(data["slug"], [])
        )
        placements = [{"faq": faqs[key], "order": i} for i, key in enumerate(data["faqs"], start=1)]
        location_faqs += _sync_children(tally, LocationFAQ, "location", location, ("faq",), placements)

    testimonials = {}
    for data in TESTIMONIALS:
        values = {k: v for k, v in data.items() if k not in {"key", "quote", "location"}}
        values["location"] = locations[data["location"]] if data["location"] else None
        testimonials[data["key"]] = _upsert(tally, Testimonial, {"quote": data["quote"]}, values)

    clinicians = {
        data["name"]: _upsert(
            tally,
            Clinician,
            {"name": data["name"]},
            {k: data[k] for k in ("credentials", "bio", "slug", "has_page")},
        )
        for data in CLINICIANS
    }

    articles = []
    article_faqs = article_testimonials = article_locations = 0
    for data in ARTICLES:
        values = {k: data[k] for k in ("title", "summary", "author", "published_at", "body")}
        values.update(
            status=Article.Status.PUBLISHED,
            expires_at=None,
            written_by=clinicians.get(data.get("written_by")),
        )
        reviewer, reviewed_on = data.get("reviewed", (None, None))
        values.update(
            reviewed_by=clinicians.get(reviewer),
            reviewed_on=reviewed_on,
            reviewed_fingerprint=(
                review_fingerprint(data["title"], data["summary"], data["body"]) if reviewer else ""
            ),
        )
        article = _upsert(tally, Article, {"slug": data["slug"]}, values)
        articles.append(article)
        article_faqs += _sync_children(
            tally,
            ArticleFAQ,
            "article",
            article,
            ("faq",),
            [{"faq": faqs[key], "order": i} for i, key in enumerate(data["faqs"], start=1)],
        )
        article_testimonials += _sync_children(
            tally,
            ArticleTestimonial,
            "article",
            article,
            ("testimonial",),
            [{"testimonial": testimonials[key], "order": i} for i, key in enumerate(data["testimonials"], 1)],
        )
        article_locations += _sync_children(
            tally,
            ArticleLocation,
            "article",
            article,
            ("location",),
            [{"location": locations[slug]} for slug in data["locations"]],
        )

    # Chosen "Read next" articles, once every article exists: one may choose an article listed after it.
    by_slug = {article.slug: article for article in articles}
    read_next = sum(
        _sync_children(
            tally,
            ReadNextChoice,
            "article",
            by_slug[data["slug"]],
            ("chosen",),
            [
                {"chosen": by_slug[slug], "order": i}
                for i, slug in enumerate(data.get("read_next", []), start=1)
            ],
        )
        for data in ARTICLES
    )

    standing_pages = [
        _upsert(
            tally,
            Page,
            {"slug": data["slug"]},
            {**{k: v for k, v in data.items() if k != "slug"}, "in_footer": True, "is_published": True},
        )
        for data in STANDING_PAGES
    ]

    _keep_versions(
        [
            site_settings,
            *locations.values(),
            *topics.values(),
            *faqs.values(),
            *testimonials.values(),
            *clinicians.values(),
            *articles,
            *standing_pages,
        ],
        tally,
    )
    return {
        "locations": len(locations),
        "opening_hours": opening_hours,
        "special_days": special_days,
        "topics": len(topics),
        "faqs": len(faqs),
        "testimonials": len(testimonials),
        "published_testimonials": sum(1 for t in testimonials.values() if t.is_public),
        "articles": len(ARTICLES),
        "standing_pages": len(standing_pages),
        "placements": location_faqs + article_faqs + article_testimonials + article_locations + read_next,
        "rows_created": tally.created,
        "rows_changed": tally.changed,
        "rows_removed": tally.removed,
    }
