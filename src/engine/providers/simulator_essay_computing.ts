/**
 * Built-in paragraphs about the history of computing, from which the offline model simulator composes
 * its long essays on computing topics. Plain data; the composer is in `simulator_essay.ts`.
 *
 * @module
 */

/** Paragraphs in narrative order; the first starts with "The" (the documented first delta). */
export const COMPUTING_PARAGRAPHS: readonly string[] = [
  "The history of computing is a story about people trying to make thinking cheaper, faster and more " +
  "reliable. Long before electricity, merchants, astronomers and tax collectors counted with pebbles, " +
  "tally sticks and the abacus, which let a trained hand add and subtract with remarkable speed. The " +
  "Antikythera mechanism, a geared bronze device recovered from a Greek shipwreck, shows that people " +
  "more than two thousand years ago already built machines to predict the motions of the heavens. " +
  "Every later step, from mechanical calculators to cloud data centres, kept the same goal: take a " +
  "tedious, error-prone mental task and hand it to a device that does it the same way every time.",
  "The seventeenth century brought the first mechanical calculators. Wilhelm Schickard designed a " +
  "calculating clock, Blaise Pascal built the Pascaline to help his father with tax accounts, and " +
  "Gottfried Wilhelm Leibniz created the stepped reckoner, which could multiply by repeated addition. " +
  "Leibniz also championed binary arithmetic, the idea that every number can be written with only two " +
  "symbols. These machines were delicate and expensive, and few were sold, but they proved that " +
  "arithmetic could be mechanised. Over the next two centuries, improved designs such as the " +
  "arithmometer became practical office tools, and the habit of trusting a machine with numbers slowly " +
  "spread through banks, insurers and government offices.",
  "The nineteenth century produced the most visionary designs of the mechanical age. Charles Babbage " +
  "planned the Difference Engine to compute mathematical tables without the copying errors that " +
  "plagued printed tables, and then conceived the Analytical Engine, a general-purpose machine with a " +
  "store for numbers, a mill for arithmetic and instructions supplied on punched cards borrowed from " +
  "the Jacquard loom. Ada Lovelace, writing notes on the design, described how it could compute " +
  "Bernoulli numbers and suggested that such a machine might one day manipulate symbols of any kind, " +
  "even music. The engine was never finished in Babbage's lifetime, yet its architecture anticipated " +
  "the separation of memory, processing and program that defines computers today.",
  "The punched card turned computation into an industry. Herman Hollerith built tabulating machines " +
  "for the 1890 United States census, cutting years of manual counting down to months, and his company " +
  "eventually became part of IBM. Through the early twentieth century, card sorters, tabulators and " +
  "accounting machines ran payrolls, inventories and statistics across the world. At the same time, " +
  "analogue computers such as Vannevar Bush's differential analyzer solved equations by the turning of " +
  "shafts and wheels. These systems were not programmable in the modern sense, but they trained a " +
  "generation of engineers and managers to think of information as something that could be stored, " +
  "sorted and processed at scale.",
  "The theoretical foundations arrived in the 1930s. Alan Turing described an abstract machine that " +
  "reads and writes symbols on an endless tape and showed that one universal machine could imitate any " +
  "other, given the right instructions. Alonzo Church reached equivalent conclusions with his lambda " +
  "calculus, and Claude Shannon showed that the true and false of Boolean logic could be built from " +
  "electrical switching circuits. Together these ideas explained what computation is, what it cannot " +
  "do, and how it might be built from ordinary components. They turned a collection of clever gadgets " +
  "into a science with its own questions about decidability, efficiency and the limits of what any " +
  "machine can know.",
  "The Second World War accelerated everything. Konrad Zuse built the Z3, an electromechanical " +
  "programmable computer, in Germany; at Bletchley Park, the Colossus machines helped break encrypted " +
  "German teleprinter traffic; and in the United States, ENIAC was completed in 1945 to calculate " +
  "artillery firing tables. ENIAC filled a large room, used about eighteen thousand vacuum tubes and " +
  "was programmed by setting switches and plugging cables, work done largely by a team of women " +
  "mathematicians whose contribution was long overlooked. Soon after, the stored-program concept, " +
  "described in John von Neumann's report on the EDVAC and realised in machines such as the Manchester " +
  "Baby and EDSAC, let programs live in memory alongside data.",
  "The invention of the transistor at Bell Labs in 1947 changed the physics of computing. Transistors " +
  "were smaller, cooler and far more reliable than vacuum tubes, and by the late 1950s they powered a " +
  "new generation of commercial machines. Software grew up at the same time: Grace Hopper built early " +
  "compilers and argued that programs should be written in words rather than numbers, FORTRAN made " +
  "scientific programming practical, COBOL brought computing to business records, and LISP opened the " +
  "door to research on artificial intelligence. The integrated circuit, developed independently by " +
  "Jack Kilby and Robert Noyce, then placed many transistors on a single chip and began a long era of " +
  "steady miniaturisation.",
  "The 1960s and 1970s were the age of the mainframe and the minicomputer. IBM's System/360 introduced " +
  "a family of compatible machines, so customers could upgrade without rewriting their software, an " +
  "idea that still shapes the industry. Time-sharing systems let many people use one computer at once " +
  "from terminals, and projects such as Multics and later Unix, written largely in the C language, " +
  "established ideas about files, processes and portability that survive in nearly every operating " +
  "system. Gordon Moore observed that the number of transistors on a chip was doubling at a regular " +
  "pace, and the microprocessor, starting with the Intel 4004 in 1971, put an entire processor on one " +
  "small piece of silicon.",
  "The personal computer brought computing into homes and small offices. Hobbyists assembled the Altair " +
  "8800 from kits, and then the Apple II, the Commodore PET and the TRS-80 arrived ready to use. The " +
  "IBM PC of 1981 set a standard that many manufacturers copied, and spreadsheets such as VisiCalc and " +
  "Lotus 1-2-3 gave businesses a reason to buy one for every desk. Research at Xerox PARC produced the " +
  "graphical user interface, the mouse, Ethernet and laser printing, and the Apple Macintosh and later " +
  "Microsoft Windows carried windows and icons to millions of people who had never typed a command. " +
  "Computing stopped being a specialist service and became a personal tool.",
  "The network turned individual computers into a connected world. ARPANET linked research sites from " +
  "1969, the TCP/IP protocols let different networks interoperate, and in 1989 Tim Berners-Lee proposed " +
  "the World Wide Web, with addresses, hypertext links and a simple protocol for fetching pages. " +
  "Browsers such as Mosaic and Netscape made the web easy to explore, search engines made it " +
  "navigable, and electronic commerce, email and online communities became part of daily life. Open " +
  "source software, from the GNU tools to the Linux kernel and the Apache web server, showed that " +
  "volunteers and companies could build critical infrastructure together and share it freely.",
  "The twenty-first century made computing mobile and ambient. Smartphones put a powerful networked " +
  "computer, a camera and a set of sensors in billions of pockets, and app stores created new markets " +
  "for software almost overnight. Behind the screens, warehouse-scale data centres and cloud platforms " +
  "let a small team rent the capacity that once required a national laboratory. Processors stopped " +
  "getting much faster one core at a time, so designers turned to many cores, specialised graphics " +
  "processors and custom accelerators. Those graphics processors, paired with enormous datasets, made " +
  "it practical to train deep neural networks, and machine learning moved from research papers into " +
  "translation, speech recognition, search and everyday products.",
  "The role of software grew until it became the main event. In the early decades, hardware was the " +
  "expensive part and programs were often given away with the machine; by the 1980s, companies such as " +
  "Microsoft showed that software itself could be the product. Databases organised the records of " +
  "banks, airlines and hospitals, and the relational model proposed by Edgar Codd gave them a common " +
  "mathematical footing. Programming practice matured as well: structured programming, object-oriented " +
  "design, version control, automated testing and code review all emerged from painful experience with " +
  "large projects that ran late or failed. The lesson that building software is a human, collaborative " +
  "activity, and not only a technical one, remains one of the field's hardest-won insights.",
  "The themes of this long history are easy to trace. Each generation of hardware made computation " +
  "cheaper, and each drop in cost found uses that earlier engineers had not imagined. Abstraction, from " +
  "assembly language to high-level languages, operating systems, networks and cloud services, let " +
  "people build on the work of others without understanding every layer below. Standards and " +
  "compatibility mattered as much as raw speed, because software outlives the machines it was written " +
  "for. And the most important inventions were often social as much as technical: time-sharing, the " +
  "personal computer, the web and open source all changed who could use computers and for what.",
  "The history also carries lessons about responsibility. Computers have always reflected the " +
  "priorities of the people who built and paid for them, from census tabulation and code breaking to " +
  "advertising and social media. Questions of privacy, security, reliability and fairness grew with " +
  "every expansion of computing's reach, and they are sharper now that automated systems help decide " +
  "who gets a loan, what news people see and how cars steer. Engineers who know where their tools " +
  "came from are better placed to ask who benefits from them, who bears their risks, and how they " +
  "should be tested before the world depends on them.",
  "The next chapter is still being written. Researchers are building quantum computers that exploit " +
  "superposition and entanglement, exploring neuromorphic chips modelled loosely on the brain, and " +
  "pushing language models and other learning systems into new kinds of work. Whether or not any of " +
  "these becomes as transformative as the transistor, the pattern of the past suggests that the most " +
  "important consequences will come from what ordinary people do with new capabilities once they are " +
  "cheap and easy to use. The history of computing, in the end, is less a history of machines than a " +
  "history of the questions people wanted those machines to answer.",
];
