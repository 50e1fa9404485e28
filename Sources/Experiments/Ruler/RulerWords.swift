/// The words RULER's tasks draw from: keys like `gentle-harbor` (adjective-noun, as RULER pairs
/// its adjective and noun lists) and the word lists of common-words extraction.
///
/// The lists are plain everyday English words written for this project (no outside list is
/// copied). Where a task needs more distinct words than the lists hold (common-words extraction
/// at long lengths, as RULER falls back to a second list), pronounceable made-up words are added
/// from a fixed generator, so every run sees the same pool.
public enum RulerWords {
    /// Adjectives.
    public static let adjectives = split("""
        able absent acid active agile alert ample ancient angry arctic ashen awake bald bare basic bitter \
        blank bleak blind blunt bold bored brave brief bright brisk broad broken bumpy busy calm candid \
        careful cheap cheerful chilly civil clean clear clever cloudy coarse cold common cool cosmic cozy \
        crisp cruel curious curly damp dark deep dense dim dizzy dreary dry dull dusty eager early earnest \
        easy elder empty endless equal even exact faint fair false famous fancy fast fierce firm flat fond \
        foggy formal frail free fresh friendly frosty funny fuzzy gentle giant gifted glad gloomy golden \
        grand great green grim gritty happy hard harsh hasty heavy hidden hollow honest humble hungry icy \
        idle jolly keen kind large late lazy lean light little lively lonely long loose loud loyal lucky \
        mellow merry mild misty modern modest moody muddy narrow nasty neat nervous noble noisy odd old \
        open orange pale patient plain plump polite poor proud purple quick quiet rainy rapid rare raw \
        ready red regal rich rigid ripe rough round royal rude rusty sad safe salty sandy scarce secret \
        shallow sharp shiny short shy silent silky silly simple sleepy slim slow small smart smooth snowy \
        soft solid sour spare spicy stale steady steep sticky stiff stormy strange strict strong sturdy \
        subtle sunny super sweet swift tall tame tender thick thin tidy tiny tired tough tricky true \
        ugly urban vague valid vast vivid warm wary weak weary wet white whole wicked wide wild windy \
        wise witty wooden worn young zealous
        """)

    /// Nouns.
    public static let nouns = split("""
        acorn actor airport alley anchor angle ankle apple apron arch arrow attic autumn badge bakery \
        balcony banana band barn basket beach beacon bean bear beetle bell bench berry bicycle blanket \
        boat bonnet book border bottle boulder bracket branch bread bridge brook broom bubble bucket \
        cabin cable cactus camel camera candle canoe canyon captain carpet carrot castle cattle cave \
        cellar chair chalk channel chapel cherry chimney circle city cliff clock cloud coast collar comet \
        compass copper corner cottage county cradle crater creek crown crystal cup curtain cushion dancer \
        desert diamond doctor dolphin door dragon drawer drum eagle engine falcon farmer feather fence \
        ferry field finger flag flame flute forest fountain fox garden gate giraffe glacier glove goat \
        harbor harvest helmet hermit hill honey horizon horse island jacket jewel jungle kettle kitchen \
        ladder lagoon lake lamp lantern lemon letter library lily lizard magnet maple market meadow \
        mirror monkey moon mountain museum needle nest novel ocean orchard otter oven owl paddle palace \
        panther parade parrot pebble pencil pepper piano pillow pilot planet plum pocket pond potato \
        prairie puzzle quarry rabbit radio raven ribbon river robin rocket saddle sailor salmon shadow \
        shelf shell shovel signal silver sparrow spider spoon spring squirrel stable statue stone storm \
        stream summit sunset table teacher temple thistle thunder tiger timber tower trail tulip tunnel \
        turtle valley velvet village violin volcano wagon walnut wander weasel whale whistle window \
        winter wizard wolf yard zebra
        """)

    /// Verbs.
    public static let verbs = split("""
        accept admire allow answer argue arrive bake balance believe borrow bounce breathe build carry \
        chase climb collect command compare count cover crawl dance decide deliver describe dig divide \
        dream drift enjoy explain explore fetch float fold follow gather glow grab guard guess hammer \
        hang hope hunt hurry imagine invent juggle jump kneel knock laugh learn lift listen marry measure \
        melt mend move notice obey offer order paint pause plant polish pour pray preach promise pull \
        punch push question reach relax remember repair reply rescue rest return roll rush scatter \
        scream search shiver signal sing skip sleep smile sneeze spill spray squeeze stir stretch \
        suggest swim tickle travel trust twist wait wander warn wash whisper wobble wonder wrap yawn
        """)

    /// Every distinct listed word (nouns, adjectives, verbs), sorted.
    public static let listed: [String] = Array(Set(nouns + adjectives + verbs)).sorted()

    /// `count` distinct words: the listed ones first, then made-up words (the same ones every
    /// time, none equal to a listed word).
    public static func pool(count: Int) -> [String] {
        var words = Array(listed.prefix(count))
        guard words.count < count else { return words }
        var seen = Set(words)
        let onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "gl", "pr", "st", "tr", "sk"]
        let vowels = ["a", "e", "i", "o", "u"]
        let codas = ["", "n", "r", "l", "s", "m"]
        var random = RulerRandom(seed: 1_000_003)
        while words.count < count {
            let syllables = 2 + random.below(2)
            var word = ""
            for _ in 0..<syllables {
                word += onsets[random.below(onsets.count)] + vowels[random.below(vowels.count)] + codas[random.below(codas.count)]
            }
            if seen.insert(word).inserted { words.append(word) }
        }
        return words
    }

    private static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }
}
