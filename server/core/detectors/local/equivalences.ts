// Phrases that name the same thing: postal abbreviations, currency codes and symbols' names,
// unit abbreviations. A value using one member is grounded by a context that uses another
// ("Boston, MA" by "Boston, Massachusetts", "USD" by "dollars"). General knowledge, not tuned
// to any data set. Phrases are written folded (see fold()).
import { fold } from './normalize';

const GROUPS_SOURCE: string[][] = [
  // US states and territories
  ['al', 'alabama'],
  ['ak', 'alaska'],
  ['az', 'arizona'],
  ['ar', 'arkansas'],
  ['ca', 'california', 'calif'],
  ['co', 'colorado'],
  ['ct', 'connecticut'],
  ['de', 'delaware'],
  ['fl', 'florida'],
  ['ga', 'georgia'],
  ['hi', 'hawaii'],
  ['id', 'idaho'],
  ['il', 'illinois'],
  ['in', 'indiana'],
  ['ia', 'iowa'],
  ['ks', 'kansas'],
  ['ky', 'kentucky'],
  ['la', 'louisiana', 'los angeles'],
  ['me', 'maine'],
  ['md', 'maryland'],
  ['ma', 'massachusetts', 'mass'],
  ['mi', 'michigan'],
  ['mn', 'minnesota'],
  ['ms', 'mississippi'],
  ['mo', 'missouri'],
  ['mt', 'montana'],
  ['ne', 'nebraska'],
  ['nv', 'nevada'],
  ['nh', 'new hampshire'],
  ['nj', 'new jersey'],
  ['nm', 'new mexico'],
  ['ny', 'new york', 'nyc', 'new york city'],
  ['nc', 'north carolina'],
  ['nd', 'north dakota'],
  ['oh', 'ohio'],
  ['ok', 'oklahoma'],
  ['or', 'oregon'],
  ['pa', 'pennsylvania'],
  ['ri', 'rhode island'],
  ['sc', 'south carolina'],
  ['sd', 'south dakota'],
  ['tn', 'tennessee'],
  ['tx', 'texas'],
  ['ut', 'utah'],
  ['vt', 'vermont'],
  ['va', 'virginia'],
  ['wa', 'washington'],
  ['wv', 'west virginia'],
  ['wi', 'wisconsin'],
  ['wy', 'wyoming'],
  ['dc', 'd c', 'district of columbia', 'washington d c'],
  ['pr', 'puerto rico'],
  ['sf', 'san francisco'],
  // countries commonly abbreviated
  ['us', 'usa', 'u s', 'u s a', 'united states', 'united states of america', 'america', 'american'],
  ['uk', 'u k', 'united kingdom', 'great britain', 'britain', 'british', 'england', 'english'],
  ['uae', 'united arab emirates', 'emirates'],
  ['eu', 'european union', 'europe', 'european'],
  ['prc', 'china', 'chinese'],
  ['jp', 'japan', 'japanese'],
  ['de', 'germany', 'german'],
  ['fr', 'france', 'french'],
  ['it', 'italy', 'italian'],
  ['es', 'spain', 'spanish'],
  ['il', 'israel', 'israeli'],
  ['in', 'india', 'indian'],
  ['ca', 'canada', 'canadian'],
  ['au', 'australia', 'australian'],
  ['mx', 'mexico', 'mexican'],
  ['br', 'brazil', 'brazilian'],
  ['ru', 'russia', 'russian'],
  ['kr', 'south korea', 'korea', 'korean'],
  ['nl', 'netherlands', 'holland', 'dutch'],
  ['ch', 'switzerland', 'swiss'],
  ['se', 'sweden', 'swedish'],
  // currencies
  ['usd', 'us dollar', 'dollar', 'us', 'usa', 'united states dollar', 'american dollar', 'buck'],
  ['eur', 'euro'],
  ['gbp', 'british pound', 'pound sterling', 'sterling', 'pound', 'british', 'uk'],
  ['jpy', 'yen', 'japanese yen', 'japan', 'japanese'],
  ['cad', 'canadian dollar', 'canada', 'canadian'],
  ['aud', 'australian dollar', 'australia', 'australian'],
  ['chf', 'swiss franc', 'franc', 'switzerland', 'swiss'],
  ['cny', 'rmb', 'yuan', 'renminbi', 'china', 'chinese'],
  ['inr', 'rupee', 'indian rupee', 'india', 'indian'],
  ['ils', 'nis', 'shekel', 'new israeli shekel', 'israel', 'israeli'],
  ['mxn', 'mexican peso', 'peso', 'mexico'],
  ['krw', 'won', 'korean won', 'korea', 'south korea'],
  ['btc', 'bitcoin'],
  ['eth', 'ether', 'ethereum'],
  // stock tickers of the largest listed companies
  ['aapl', 'apple', 'apple inc'],
  ['msft', 'microsoft', 'microsoft corporation'],
  ['goog', 'googl', 'google', 'alphabet'],
  ['amzn', 'amazon', 'amazon com'],
  ['tsla', 'tesla', 'tesla inc'],
  ['meta', 'fb', 'facebook', 'meta platforms'],
  ['nvda', 'nvidia'],
  ['nflx', 'netflix'],
  ['ibm', 'international business machines'],
  ['intc', 'intel'],
  ['amd', 'advanced micro devices'],
  ['orcl', 'oracle'],
  ['crm', 'salesforce'],
  ['adbe', 'adobe'],
  ['csco', 'cisco'],
  ['dis', 'disney', 'walt disney'],
  ['ko', 'coca cola', 'coca-cola', 'coke'],
  ['pep', 'pepsico', 'pepsi'],
  ['wmt', 'walmart'],
  ['jpm', 'jpmorgan', 'jp morgan'],
  ['v', 'visa'],
  ['ma', 'mastercard'],
  ['ba', 'boeing'],
  ['nke', 'nike'],
  ['sbux', 'starbucks'],
  ['mcd', 'mcdonald s', 'mcdonalds'],
  ['baba', 'alibaba'],
  ['tsm', 'tsmc'],
  ['uber', 'uber technologies'],
  ['pypl', 'paypal'],
  ['brk', 'berkshire hathaway'],
  ['xom', 'exxon', 'exxonmobil'],
  // major cities as written in other scripts
  ['beijing', 'peking', '北京', 'pekin', 'pechino'],
  ['shanghai', '上海'],
  ['guangzhou', 'canton', '广州', '廣州'],
  ['shenzhen', '深圳'],
  ['hong kong', '香港'],
  ['taipei', '台北', '臺北'],
  ['tokyo', '東京', '东京', 'とうきょう', 'tokio'],
  ['osaka', '大阪'],
  ['kyoto', '京都'],
  ['seoul', '서울', '首尔', '首爾', 'seul'],
  ['busan', '부산'],
  ['bangkok', 'กรุงเทพ', 'กรุงเทพฯ', 'กรุงเทพมหานคร'],
  ['singapore', '新加坡', 'singapur', 'singapour', 'cingapura'],
  ['moscow', 'москва', 'москве', 'москву', 'москвы', 'moscu', 'moscou', 'mosca', 'moskau'],
  [
    'saint petersburg',
    'st petersburg',
    'санкт петербург',
    'санкт петербурге',
    'санкт петербурга',
    'san petersburgo',
    'saint petersbourg',
    'sankt petersburg',
  ],
  ['new york', '纽约', '紐約', 'ニューヨーク', '뉴욕', 'nueva york', 'nova iorque', 'нью йорк'],
  ['london', '伦敦', '倫敦', 'ロンドン', '런던', 'лондон', 'londres', 'londra', 'londen'],
  ['paris', '巴黎', 'パリ', '파리', 'париж'],
  ['berlin', '柏林', 'ベルリン', '베를린', 'берлин'],
  ['los angeles', '洛杉矶', '洛杉磯', 'ロサンゼルス', '로스앤젤레스'],
  ['san francisco', '旧金山', '舊金山', 'サンフランシスコ'],
  ['sydney', '悉尼', 'シドニー', '시드니'],
  ['rome', 'roma', '罗马', 'ローマ', 'rom', 'рим'],
  ['madrid', '马德里'],
  ['tel aviv', 'תל אביב'],
  ['jerusalem', 'ירושלים', 'القدس', 'jerusalen', 'gerusalemme'],
  ['cairo', 'القاهرة', 'el cairo', 'le caire', 'kairo'],
  ['dubai', 'دبي', '迪拜'],
  ['munich', 'münchen', 'muenchen', 'munique', 'monaco di baviera'],
  ['cologne', 'köln', 'koeln', 'colonia'],
  ['vienna', 'wien', 'viena', 'vienne'],
  ['prague', 'praha', 'praga', 'prag'],
  ['warsaw', 'warszawa', 'varsovia', 'varsovie', 'warschau', 'varsavia'],
  ['lisbon', 'lisboa', 'lisbonne', 'lissabon', 'lisbona'],
  ['florence', 'firenze', 'florencia', 'florenz'],
  ['venice', 'venezia', 'venecia', 'venise', 'venedig', 'veneza'],
  ['milan', 'milano', 'mailand', 'milao'],
  ['naples', 'napoli', 'napoles', 'neapel'],
  ['copenhagen', 'københavn', 'copenhague', 'kopenhagen', 'copenaghen'],
  ['athens', 'αθήνα', 'atenas', 'athenes', 'atene', 'athen'],
  ['mexico city', 'ciudad de mexico', 'cdmx', 'mexiko stadt'],
  ['brussels', 'bruselas', 'bruxelles', 'brussel', 'bruxelas', 'bruxelles'],
  ['geneva', 'ginebra', 'geneve', 'genf', 'ginevra', 'genebra'],
  ['the hague', 'la haya', 'den haag', 'la haye'],
  ['edinburgh', 'edimburgo', 'edimbourg'],
  ['new delhi', 'nueva delhi', 'nouvelle delhi', 'neu delhi', 'нью дели'],
  ['cape town', 'ciudad del cabo', 'le cap', 'kapstadt', 'cidade do cabo'],
  ['istanbul', 'estambul', 'istambul', 'стамбул'],
  ['barcelona', 'barcelone', 'барселона'],
  ['amsterdam', 'ámsterdam', 'амстердам'],
  // countries written in other scripts
  ['china', '中国', '中國'],
  ['japan', '日本'],
  ['south korea', 'korea', '한국', '韩国', '韓國'],
  ['thailand', 'ประเทศไทย', 'ไทย'],
  ['russia', 'россия'],
  ['germany', 'deutschland'],
  ['spain', 'españa', 'espana'],
  ['italy', 'italia'],
  // units
  ['km', 'kilometer', 'kilometre', 'kms'],
  ['mi', 'mile'],
  ['m', 'meter', 'metre', 'mtr'],
  ['cm', 'centimeter', 'centimetre'],
  ['mm', 'millimeter', 'millimetre'],
  ['kg', 'kilogram', 'kilo', 'kgs'],
  ['g', 'gram', 'gm', 'gr'],
  ['lb', 'lbs', 'pound'],
  ['oz', 'ounce'],
  ['ft', 'feet', 'foot'],
  ['in', 'inch', 'inches'],
  ['yd', 'yard'],
  ['h', 'hr', 'hrs', 'hour'],
  ['min', 'mins', 'minute'],
  ['s', 'sec', 'secs', 'second'],
  ['ms', 'millisecond'],
  ['l', 'liter', 'litre'],
  ['ml', 'milliliter', 'millilitre'],
  ['gal', 'gallon'],
  ['c', 'celsius', 'centigrade'],
  ['f', 'fahrenheit'],
  ['k', 'kelvin'],
  ['mph', 'miles per hour'],
  ['kph', 'kmh', 'km h', 'kilometers per hour', 'kilometres per hour'],
  ['sq ft', 'square feet', 'square foot', 'sqft'],
  ['sq m', 'square meter', 'square metre', 'sqm', 'm2'],
  ['hz', 'hertz'],
  ['kb', 'kilobyte'],
  ['mb', 'megabyte'],
  ['gb', 'gigabyte'],
  ['tb', 'terabyte'],
  ['w', 'watt'],
  ['kw', 'kilowatt'],
  ['v', 'volt'],
  ['a', 'amp', 'ampere'],
  ['24h', '24 h', '24 hour', '24 hours'],
  ['12h', '12 h', '12 hour', '12 hours'],
  ['pct', 'percent', 'percentage', 'per cent'],
  // sex and gender as categories name them
  ['female', 'women', 'woman', 'womens', 'ladies', 'girls', 'f'],
  ['male', 'men', 'man', 'mens', 'gentlemen', 'boys', 'm'],
];

/** folded phrase → ids of the groups it belongs to */
const PHRASE_GROUPS = new Map<string, number[]>();
/** first token of a phrase → the phrases (as token arrays) starting with it, longest first */
const BY_FIRST_TOKEN = new Map<string, string[][]>();

GROUPS_SOURCE.forEach((group, id) => {
  for (const raw of group) {
    const phrase = fold(raw);
    const ids = PHRASE_GROUPS.get(phrase) ?? [];
    ids.push(id);
    PHRASE_GROUPS.set(phrase, ids);
  }
});
for (const phrase of PHRASE_GROUPS.keys()) {
  const toks = phrase.split(' ');
  const list = BY_FIRST_TOKEN.get(toks[0]!) ?? [];
  list.push(toks);
  BY_FIRST_TOKEN.set(toks[0]!, list);
}
for (const list of BY_FIRST_TOKEN.values()) list.sort((a, b) => b.length - a.length);

export interface GroupMatch {
  /** token index range [start, end) of the phrase */
  start: number;
  end: number;
  groups: number[];
}

/**
 * Every known phrase in a token stream (plural forms are tried too). Linear in tokens.
 * `allowShort` decides whether a one-token phrase of at most 3 letters counts here: in context
 * text "in", "me", "us" are words, so the caller only accepts them where they were written in
 * capitals ("IN", "ME", "US").
 */
export function findGroupPhrases(tokens: readonly string[], allowShort: (token: string) => boolean): GroupMatch[] {
  const out: GroupMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // the word as written, then its singular: "kilometers" starts "kilometers per hour" and is "kilometer"
    const asWritten = BY_FIRST_TOKEN.get(t);
    const singular = t.length > 3 && t.endsWith('s') ? BY_FIRST_TOKEN.get(t.slice(0, -1)) : undefined;
    const cands = asWritten && singular ? [...asWritten, ...singular] : (asWritten ?? singular);
    if (!cands) continue;
    for (const phrase of cands) {
      let ok = true;
      for (let k = 1; k < phrase.length; k++) {
        const tk = tokens[i + k];
        if (tk !== phrase[k] && tk !== phrase[k] + 's') {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (phrase.length === 1 && phrase[0]!.length <= 3 && !allowShort(t)) continue;
      out.push({ start: i, end: i + phrase.length, groups: PHRASE_GROUPS.get(phrase.join(' '))! });
      break;
    }
  }
  return out;
}

/** Phrases written in a script without spaces, with their groups (found by substring, not by token). */
const UNSPACED_PHRASES: [string, number[]][] = [...PHRASE_GROUPS].filter(([p]) =>
  /[\u0e00-\u0eff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/.test(p),
);

/** Groups of the unspaced-script phrases that occur anywhere in a folded text. */
export function findUnspacedGroupPhrases(folded: string): number[] {
  const out: number[] = [];
  for (const [phrase, groups] of UNSPACED_PHRASES) if (folded.includes(phrase)) out.push(...groups);
  return out;
}
