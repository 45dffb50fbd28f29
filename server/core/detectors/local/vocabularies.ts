// Closed vocabularies of options: units, languages, time zones, currencies. A parameter that
// says it takes one of these (its name or description names the kind) is filled by choosing an
// option, as with an enum: a standard unit for a "unit" parameter is a choice, not a made-up
// specific. General knowledge, not tuned to any data set; phrases are folded (see fold()).
import { fold } from './normalize';

const UNITS = `m meter metre meters metres km kilometer kilometre kilometers kilometres cm centimeter centimetre
centimeters centimetres mm millimeter millimeters mi mile miles ft foot feet in inch inches yd yard yards nm
nautical mile kg kilogram kilograms g gram grams mg milligram lb lbs pound pounds oz ounce ounces t ton tons tonne
l liter litre liters litres ml milliliter millilitre gal gallon gallons qt quart pt pint cup cups tsp teaspoon
teaspoons tbsp tablespoon tablespoons fl oz c f k celsius fahrenheit kelvin degree degrees s sec second seconds
ms millisecond milliseconds min minute minutes h hr hour hours day days week weeks month months year years
mph kph kmh km h m s mps knots sq m sq ft sq km square meter square meters square metre square feet square foot
square kilometers square miles sq meter sq meters sq metre sq feet sq foot sq km sq mi sq miles acre acres hectare hectares m2 m 2 m 3 m3 cubic meter cubic meters cubic feet
j joule joules kj kilojoule cal calorie calories kcal w watt watts kw kilowatt kwh v volt volts a amp amps ampere
ohm ohms hz hertz khz mhz ghz pa pascal kpa atm bar psi n newton newtons b byte bytes kb mb gb tb
metric imperial us customary si percent percentage g cm 3 grams per cubic centimeter kg m 3 mol mole moles`;

const LANGUAGES = `english spanish french german italian portuguese dutch russian chinese mandarin cantonese japanese
korean arabic hebrew hindi bengali urdu turkish persian farsi polish ukrainian czech greek swedish norwegian danish
finnish hungarian romanian thai vietnamese indonesian malay filipino tagalog swahili
en es fr de it pt nl ru zh ja ko ar he iw hi bn ur tr fa pl uk cs el sv no nb da fi hu ro th vi id ms tl sw
en us en gb zh cn zh tw pt br es mx eng spa fra deu ger ita por jpn kor zho chi rus ara`;

const TIME_ZONES = `utc gmt z est edt cst cdt mst mdt pst pdt akst akdt hst ast adt nst bst cet cest eet eest wet
west ist jst kst hkt sgt aest aedt acst awst nzst nzdt msk
utc 0 gmt 0 coordinated universal time greenwich mean time british summer time central european time
eastern standard time eastern daylight time central standard time central daylight time mountain standard time
mountain daylight time pacific standard time pacific daylight time eastern time central time mountain time
pacific time japan standard time india standard time china standard time korea standard time
australian eastern standard time`;

const CURRENCIES = `usd eur gbp jpy cny rmb cad aud chf inr ils krw mxn brl rub sek nok dkk pln czk huf try zar sgd hkd
nzd thb twd aed sar btc eth dollar dollars us dollar us dollars euro euros pound pounds yen yuan rupee rupees
shekel shekels won franc francs peso pesos real reais ruble rubles krona kronor krone`;

function phrases(source: string): Set<string> {
  const out = new Set<string>();
  for (const line of source.split('\n')) for (const w of line.trim().split(/\s+/)) if (w !== '') out.add(fold(w));
  // multi-word entries: every run of 2–5 words of a line is a candidate phrase
  for (const line of source.split('\n')) {
    const words = line.trim().split(/\s+/);
    for (let i = 0; i < words.length; i++)
      for (let k = i + 2; k <= Math.min(words.length, i + 5); k++) out.add(fold(words.slice(i, k).join(' ')));
  }
  return out;
}

const KINDS: { names: RegExp; vocabulary: Set<string> }[] = [
  { names: /unit|measure|scale|metric|system/i, vocabulary: phrases(UNITS) },
  { names: /lang|locale/i, vocabulary: phrases(LANGUAGES) },
  { names: /time ?zone|timezone|\btz\b|_tz|tz_/i, vocabulary: phrases(TIME_ZONES) },
  { names: /currenc/i, vocabulary: phrases(CURRENCIES) },
];

/**
 * Whether `value` is an option of a closed vocabulary the parameter says it takes (its name, or
 * the start of its description, names the kind: "unit", "language", "timezone", "currency").
 */
export function isVocabularyOption(value: string, paramName: string | null, description: string | null): boolean {
  const f = fold(value);
  if (f === '' || f.split(' ').length > 5) return false;
  const said = `${paramName ?? ''} ${(description ?? '').slice(0, 120)}`;
  return KINDS.some((k) => k.names.test(said) && k.vocabulary.has(f));
}
