"""Given names frequent among families and staff of French maternity units, for the scrubber.

A capitalised word of this list is read as a person's given name even with no civility or
role before it ("Yasmine est arrivée", "relu par Thomas Garnier"), and the word after it as
the family name. Written lower-case and without accents (the scrubber compares folded
words). The list is deliberately broad (French, Maghreb, West and Central Africa, the
Comoros, the Caribbean, Portugal and Brazil, Turkey, Eastern Europe, South and East Asia):
a missed name is a leak, a given name taken for a name is only a placeholder too many.

AMBIGUOUS_FIRST_NAMES are also ordinary French words ("Rose", "Claire", "Pierre"): they
count only when a family name follows them or a civility or role precedes them.
"""

_FIRST_NAMES = """
    aaliyah abdel abdelkader abdou abdoul abdoulaye abdourahmane abel abigail abou aboubacar
    adam adama adele adelaide adeline adja adjoua adrien adriana agathe aglae agnes ahmed
    aicha aida aime aimee aissata aissatou akim akira alain alba albert alexandre alexandra
    alexia alexis ali alice alicia aline alioune alisha alix alizee allan alma alpha amadou
    amandine amara amel amelie amina aminata amine amir amira anabelle anais anastasia andre
    andrea andreea angela angelique angelina anissa anita anna annabelle anne annie anouk
    antoine antoinette antonio anthony apolline arnaud arthur arwa assa assia astou astrid
    audrey augustin aurelie aurelien awa axel axelle aya aylin ayoub aziz baba babacar
    bakary baptiste barbara bastien beatrice belinda benedicte benjamin benoit berenice
    bernadette bernard bertrand bilal binta bintou blessing boubacar brahim brigitte
    bruno camille capucine carine carla carmen carole caroline catalina catherine cecile
    celia celine chantal charlene charles charlotte chaima chloe christelle christian
    christine christophe cindy claude claudia clara clarisse clement clemence cleo coline
    colette corentin coralie corinne cyril cynthia cyrielle dalila damien daniel daniela
    danielle david deborah delphine denis denise diane didier dimitri djeneba dominique
    doriane dorothee dounia ecaterina edith edouard elena eleonore elias elif elisa elisabeth
    elise eliot elodie eloise elsa emeline emilie emilia emily emma emmanuel emmanuelle
    enzo eric erika estelle esther ethan eugenie eva evan evelyne fabien fabienne fabrice
    fadila fanta fanny farah fatima fatimata fatou fatoumata fatoumata faustine felix
    fernand fernanda fernando flavie florence florent florian fode francine francis
    francisco franck francoise frederic frederique gabriel gabrielle gael gaelle gaetan
    genevieve georges geraldine gerard ghislaine gilles gisele gregoire gregory guillaume
    gulsen habiba hadja hadjara hafsa haby hakim halima hamza hanane hannah hassan hawa
    helene helena henri hind hoa hortense hugo hugues huong ibrahim ibrahima ilana ilyes
    imane ines ingrid ioana irene isabelle isaac ismael ismail issa jacqueline jacques
    jamal jean jeanne jennifer jeremie jeremy jessica joana joao jocelyne johanna
    jonathan jordan joseph josephine josiane joshua judith jules julia julie julien
    juliette justine kadiatou kadidia kadija kamel karima karine karim kathleen kelly
    kenza kevin khadija khady kim kimberly koffi kouadio kouame lahcen laetitia lamia lan
    lara laura laure laurence laurent lea leila lena leo leon leonie lila lilou lina linda
    line lisa lise loan lola lou louis louise luc luca lucas lucie lucile ludivine ludovic
    luna lydia lylia madeleine mael maelle mahamadou maimouna maissa malak malika mamadou
    manon marc marcel margaux margot maria mariam mariama marianne marie marina marine
    mariana marion marius marlene marta marthe martin martine maryam maryse mathieu mathilde
    mathis matteo matthieu maud maxime mehdi melanie melissa melvin meriem michael michel
    micheline mickael mihaela milan minh mireille mohamed mohammed monique morgane mounia
    mourad moussa mustapha myriam nabil nadege nadia nadine nafissatou naima nassim natacha
    nathalie nathan neha nicolas nicole nina ninon noa noah noe noemie nora nour nourdine
    oceane odile olga olivia olivier omar oumar oumou ousmane pascal pascale patricia
    patrick paul paula pauline perrine philippe quentin rachel rachida rahma ramata
    raphael raphaelle rebecca regine remi renee richard rita robert robin rodrigue romain
    romane roxane ruth sabine sabrina sacha safia safiatou salif salimata salma salome
    samba samia samir samira samuel sandra sandrine sara sarah saran selin serena serge
    severine simon simone siham sofia sofiane sokhna solene sonia sophie souad
    stella stephane stephanie sylvain sylvie tatiana teo thao theo theodore therese thi
    thierry thomas tiphaine titouan tom tristan trung ugo valentin valentine valerie
    vanessa vanh veronique victor victoria vincent virginie vivien wassim wendy william
 van xavier yacine yanis yann yannick yasmina yasmine yassine yasmin youssef yvette yvonne
    zahra zainab zara zeynep zineb zoe zohra
"""
FIRST_NAMES = frozenset(_FIRST_NAMES.split())

# Given names that are also ordinary words: a name only with a family name after them or a
# civility or role before them.
_AMBIGUOUS = """
    ange aurore blanche celeste chance claire colombe constance divine esperance france
    gloire grace jade joy marine merveille olive pierre precious prudence rose victoire
    ambre iris prune lune bienvenue
"""
AMBIGUOUS_FIRST_NAMES = frozenset(_AMBIGUOUS.split())
