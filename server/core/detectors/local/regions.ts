// Where major places are: a state, province or country a value may add because the context
// names a place inside it ("California" for a call about San Francisco). General knowledge, not
// tuned to any data set: the largest cities of the US by state, and major world cities by country.
import type { ContextIndex } from './context';
import { findGroupPhrases } from './equivalences';
import { fold } from './normalize';

const US = `alabama: birmingham, montgomery, huntsville, mobile | alaska: anchorage, juneau | arizona: phoenix, tucson, mesa, scottsdale, tempe |
arkansas: little rock | california: los angeles, san francisco, san diego, san jose, sacramento, fresno, oakland, long beach, santa monica, palo alto, berkeley, anaheim, irvine, pasadena, santa barbara, sunnyvale, mountain view, cupertino, napa, malibu, hollywood |
colorado: denver, boulder, aspen, colorado springs | connecticut: hartford, new haven, stamford | delaware: wilmington, dover |
florida: miami, orlando, tampa, jacksonville, tallahassee, fort lauderdale, key west, st petersburg | georgia: atlanta, savannah |
hawaii: honolulu, maui | idaho: boise | illinois: chicago, springfield | indiana: indianapolis | iowa: des moines | kansas: wichita |
kentucky: louisville, lexington | louisiana: new orleans, baton rouge | maine: portland | maryland: baltimore, annapolis |
massachusetts: boston, cambridge, worcester, salem | michigan: detroit, ann arbor, grand rapids | minnesota: minneapolis, st paul |
mississippi: jackson | missouri: st louis, kansas city | montana: billings | nebraska: omaha, lincoln | nevada: las vegas, reno |
new jersey: newark, jersey city, princeton | new mexico: albuquerque, santa fe | new york: new york city, brooklyn, manhattan, buffalo, albany, rochester |
north carolina: charlotte, raleigh, durham | ohio: columbus, cleveland, cincinnati | oklahoma: oklahoma city, tulsa | oregon: portland, eugene |
pennsylvania: philadelphia, pittsburgh | rhode island: providence | south carolina: charleston, columbia | tennessee: nashville, memphis |
texas: houston, dallas, austin, san antonio, el paso, fort worth | utah: salt lake city | vermont: burlington | virginia: richmond, virginia beach |
washington: seattle, spokane, tacoma, redmond | wisconsin: milwaukee, madison | district of columbia: washington d c`;

const WORLD = `united states: new york, los angeles, chicago, san francisco, boston, seattle, miami, houston, las vegas |
canada: toronto, vancouver, montreal, ottawa, calgary | mexico: mexico city, cancun, guadalajara, tulum, playa del carmen |
united kingdom: london, manchester, liverpool, edinburgh, glasgow, birmingham, oxford, cambridge | france: paris, lyon, marseille, nice |
germany: berlin, munich, hamburg, frankfurt, cologne | italy: rome, milan, venice, florence, naples | spain: madrid, barcelona, seville, valencia |
portugal: lisbon, porto | netherlands: amsterdam, rotterdam | belgium: brussels | switzerland: zurich, geneva | austria: vienna |
ireland: dublin | sweden: stockholm | norway: oslo | denmark: copenhagen | finland: helsinki | poland: warsaw, krakow | czech republic: prague |
greece: athens | turkey: istanbul, ankara | russia: moscow, saint petersburg | israel: tel aviv, jerusalem, haifa | egypt: cairo |
united arab emirates: dubai, abu dhabi | india: mumbai, delhi, new delhi, bangalore, chennai, kolkata | china: beijing, shanghai, guangzhou, shenzhen, hong kong |
japan: tokyo, osaka, kyoto | south korea: seoul, busan | singapore: singapore | thailand: bangkok, phuket | vietnam: hanoi, ho chi minh city |
indonesia: jakarta, bali | australia: sydney, melbourne, brisbane, perth | new zealand: auckland, wellington | brazil: rio de janeiro, sao paulo |
argentina: buenos aires | south africa: cape town, johannesburg | kenya: nairobi | nigeria: lagos`;

function groupsOf(folded: string): number[] {
  const tokens = folded.split(' ');
  return findGroupPhrases(tokens, () => true)
    .filter((g) => g.start === 0 && g.end === tokens.length)
    .flatMap((g) => g.groups);
}

/** folded region → folded places inside it; equivalence group of a region → those places */
const PLACES_IN = new Map<string, string[]>();
const PLACES_IN_GROUP = new Map<number, string[]>();
for (const table of [US, WORLD])
  for (const entry of table.split('|')) {
    const [region, places] = entry.split(':');
    if (!region || !places) continue;
    const r = fold(region);
    const list = places
      .split(',')
      .map(fold)
      .filter((p) => p !== '');
    PLACES_IN.set(r, [...(PLACES_IN.get(r) ?? []), ...list]);
    for (const g of groupsOf(r)) PLACES_IN_GROUP.set(g, [...(PLACES_IN_GROUP.get(g) ?? []), ...list]);
  }

/**
 * Whether `value` is the state, province or country of a place the context names ("CA" or
 * "California" with "San Francisco" in the context; "China" with "Beijing").
 */
export function regionOfGroundedPlace(value: string, ctx: ContextIndex): boolean {
  const f = fold(value);
  if (f === '' || f.split(' ').length > 4) return false;
  const places = [...(PLACES_IN.get(f) ?? []), ...groupsOf(f).flatMap((g) => PLACES_IN_GROUP.get(g) ?? [])];
  return places.some((p) => ctx.hasPhrase(p));
}
