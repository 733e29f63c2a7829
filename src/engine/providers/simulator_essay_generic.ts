/**
 * Paragraph templates the offline model simulator fills with a topic to write long essays on subjects
 * it has no built-in text for. `{topic}` is replaced with the topic. Plain data.
 *
 * @module
 */

/** Templates in essay order; the first starts with "The" (the documented first delta). */
export const GENERIC_PARAGRAPHS: readonly string[] = [
  "The subject of {topic} rewards careful attention, because it touches more of everyday life than it " +
  "first appears to. People meet {topic} in conversations, in decisions at work and at home, and in the " +
  "stories they tell about how the world changes. This essay looks at {topic} from several angles: " +
  "where it comes from, the ideas that organise it, the people and institutions that shaped it, the " +
  "disagreements it provokes, and what it might become. The aim is not to settle every question but to " +
  "give a clear map of the ground, so that later reading and discussion have something firm to build on.",
  "The origins of {topic} are usually older and messier than the tidy version told in summaries. Early " +
  "practices grew out of practical needs, and for a long time they were passed on by example rather " +
  "than written down. Only gradually did people name the patterns they saw, compare notes across " +
  "places and generations, and turn scattered know-how into something that could be taught. Looking " +
  "back, it is tempting to see a straight line of progress, but the real path of {topic} was full of " +
  "false starts, rediscoveries and ideas that arrived before anyone was ready to use them.",
  "The central ideas behind {topic} can be stated simply, even if applying them is hard. First, there " +
  "is a question of scale: what works for one person or one case often behaves differently across " +
  "thousands. Second, there is a question of trade-offs, because every choice about {topic} gives up " +
  "something in return for something else. Third, there is a question of evidence: claims about {topic} " +
  "are only as good as the observations behind them. Keeping these three ideas in view makes it much " +
  "easier to judge new arguments and to notice when a confident statement rests on very little.",
  "The people who shaped {topic} were rarely working alone. Behind well-known names stand teams, " +
  "teachers, critics and users whose feedback turned rough ideas into reliable practice. Institutions " +
  "mattered too: schools preserved knowledge, markets rewarded useful improvements, and public bodies " +
  "set rules that decided which approaches could spread. Understanding {topic} therefore means " +
  "understanding the networks around it, including who had access to it, who was left out, and how " +
  "those patterns of access changed what {topic} became.",
  "The practical side of {topic} is where most people encounter it. In daily use, the elegant theory " +
  "meets constraints of time, money, habit and attention. Good practice usually comes from small, " +
  "repeated improvements rather than dramatic breakthroughs: a clearer checklist, a better tool, a " +
  "shared vocabulary that lets people coordinate. Those who work with {topic} every day often know " +
  "things that never appear in textbooks, such as which rules can safely bend and which failures are " +
  "early warnings of something worse. Listening to that experience is one of the best ways to learn.",
  "The debates around {topic} are a sign of its importance rather than a weakness. Some people stress " +
  "its benefits and argue for expanding it quickly; others point to costs that fall on people who had " +
  "little say in the matter. Both sides often rely on different evidence and different values, which " +
  "is why arguments can run for years without resolution. A productive discussion of {topic} separates " +
  "questions of fact, which can be investigated, from questions of priority, which have to be settled " +
  "by people weighing what they care about most.",
  "The economics of {topic} deserve a closer look. Costs and benefits are rarely spread evenly, and the " +
  "people who pay for a change are not always the ones who gain from it. When the price of something " +
  "related to {topic} falls, new uses appear that nobody predicted; when it rises, whole practices can " +
  "disappear. Incentives also shape behaviour in quiet ways, rewarding what is easy to measure over " +
  "what actually matters. Anyone trying to improve {topic} has to think about who will adopt an " +
  "improvement, why they would bother, and what it will cost them to switch.",
  "The lessons of {topic} often generalise well beyond it. Careful observation beats confident " +
  "assumption; small experiments teach more than grand plans; and systems that are easy to understand " +
  "tend to be easier to repair when something goes wrong. Another lesson is humility: many past " +
  "certainties about {topic} turned out to be partly wrong, and the people who noticed first were often " +
  "those willing to look at inconvenient details. Treating current knowledge as the best available " +
  "draft, rather than the final word, keeps the field open to improvement.",
  "The future of {topic} will depend on choices that are being made now. New tools, changing " +
  "expectations and shifting resources are already reshaping what is possible, and some of today's " +
  "experiments will become tomorrow's defaults. At the same time, problems that were set aside will " +
  "return if they are not addressed. The most useful stance is neither uncritical enthusiasm nor " +
  "reflexive resistance, but steady attention to evidence, an openness to revising plans, and a " +
  "willingness to ask who a proposed change to {topic} is meant to serve.",
  "The education of newcomers is one of the quiet engines of {topic}. Each generation has to learn the " +
  "basics again, and the way those basics are taught decides which ideas survive. Good teaching " +
  "connects principles to concrete examples, shows the mistakes that experienced practitioners still " +
  "make, and leaves room for questions that do not have settled answers. When learners are encouraged " +
  "to test what they are told, {topic} benefits from fresh eyes; when they are only asked to repeat it, " +
  "errors can persist for decades.",
  "The relationship between {topic} and the wider world runs in both directions. Changes in technology, " +
  "law, culture and the environment constantly press on {topic}, and developments within {topic} in " +
  "turn ripple outwards into those areas. This interdependence makes simple predictions unreliable, " +
  "but it also means that progress in one place can unlock progress somewhere unexpected. Seeing " +
  "{topic} as part of a larger system helps explain both its surprising resilience and the occasional " +
  "moments when it changes faster than anyone expected.",
  "The language used to talk about {topic} shapes how people think about it. Technical terms make " +
  "precise discussion possible among specialists, but they can also shut out everyone else and hide " +
  "assumptions that deserve to be questioned. Popular metaphors, on the other hand, help newcomers grasp " +
  "the basics while sometimes stretching further than the facts allow. A healthy conversation about " +
  "{topic} moves between the two, translating careful findings into plain words without losing their " +
  "limits, and bringing everyday concerns back to the experts in a form they can test and answer.",
  "The measurement of {topic} is harder than it looks. What gets counted depends on definitions, and " +
  "definitions are choices that different groups make differently. Averages can hide wide variation, " +
  "short time spans can mistake noise for a trend, and numbers collected for one purpose are often " +
  "reused for another they do not fit. Good work on {topic} is open about these limits: it states how " +
  "the figures were gathered, what they leave out, and how confident anyone should be in them. That " +
  "openness is what allows others to check the results and build on them.",
  "The risks connected with {topic} are worth naming plainly. Some are obvious and immediate, such as " +
  "mistakes that cost money or time; others are slow and diffuse, building up quietly until they become " +
  "hard to reverse. Risks also fall unevenly, landing hardest on those with the fewest resources to " +
  "absorb them. Sensible approaches to {topic} do not pretend that risk can be removed entirely. " +
  "Instead they try to spot problems early, limit the damage when things go wrong, and share both the " +
  "costs and the benefits in ways that people affected would recognise as fair.",
  "The comparison between different places offers another perspective on {topic}. Communities facing " +
  "similar conditions have often made very different choices, and the results can be studied side by " +
  "side. Such comparisons reveal that many features of {topic} which seem natural or inevitable are in " +
  "fact the product of particular histories and decisions. They also show which ideas travel well and " +
  "which depend on local circumstances. Borrowing a successful approach from elsewhere works best when " +
  "the reasons for its success are understood, not just its outward form.",
  "The long view of {topic} leaves a few clear conclusions. It has changed many times and will change " +
  "again; its best ideas came from people who combined curiosity with patience; and its effects depend " +
  "less on any single invention than on how people choose to use what they have. For anyone " +
  "approaching {topic} for the first time, the best advice is to start with concrete cases, ask how " +
  "each claim is known, and stay curious about the parts that do not yet fit. That habit of mind is " +
  "worth more than any single fact.",
  "The final point is a practical one. Understanding {topic} is not only a matter of reading about it " +
  "but of noticing it in ordinary situations, asking better questions, and comparing what happens with " +
  "what was expected. Over time those small observations add up to judgement, which is what turns " +
  "information into useful knowledge. Whatever role {topic} plays in your own work or life, a patient, " +
  "evidence-minded approach will make it easier to learn, easier to explain to others, and easier to " +
  "improve when the chance comes.",
];
