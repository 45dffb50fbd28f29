// Word lists. STOPWORDS carry no content at all; COMMON words are ordinary English (and generic
// domain nouns such as "city", "hotel"), which a value may add or an answer may capitalise without
// naming anything specific. Both are compared after fold() + stem().
import { stem } from './normalize';

const STOP = `a an the and or nor but of in on at to for from by with without within into onto over under
about as is are was were be been being am do does did has have had having it its this that these those
there here than then so such very just also too not no yes if else when while where which who whom whose
what why how all any each every some many much more most few less least other another same own only
i me my we us our you your he him his she her they them their one s t d ll re ve m via per vs etc e g ie
can could should would will shall may might must let lets please`;

const COMMON = `able above across act action active activity actual add added address adult after again against age
agency ago agree air all allow almost alone along already always amount analysis animal annual answer
anyone anything appear apply approach area arm around arrive art article ask assume attention available
average avoid away back bad bag balance bank base basic basis bear beat beautiful because become bed
before begin behind believe below benefit best better between beyond big bill bit black block blue board
body book born both box boy break bring brother budget build building business buy call camera campaign
cancel capital car card care career carry case catch cause cell center central century certain chair
challenge chance change character charge cheap check child choice choose church citizen city civil claim
class clear close club coach code cold collection college color come commercial common community company
compare complete computer concern condition conference consider contain continue control cost could
country county couple course court cover create crime cultural culture cup current customer cut daily
damage dark data date daughter day dead deal death debate decade decide decision deep default defense
degree delivery department describe design detail detailed develop development die difference different
difficult dinner direct direction director discover discuss disease do doctor dog door down draw dream
drive drop drug during each early east easy eat economic economy edge education effect effort eight
either election else employee end energy enjoy enough enter entire environment equal error establish
even evening event ever every everybody everyone everything evidence exact example exist expect
experience expert explain eye face fact factor fail fall family far fast father fear federal feel few
field fight figure file fill film final finally financial find fine finish fire firm first fish five
floor fly focus follow food foot force foreign forget form format former forward four free friend front
full fund future game garden general generation get girl give glass go goal good government great green
ground group grow growth guess gun guy hair half hand hang happen happy hard head health hear heart heat
heavy help high history hit hold home hope hospital hot hotel hour house however huge human hundred
husband idea identify image imagine impact important improve include including increase indeed
indicate individual industry info information inside instead institution interest interesting
international interview into investment involve issue item job join just keep key kid kill kind kitchen
know knowledge land language large last late later laugh law lawyer lay lead leader learn least leave
left leg legal less letter level lie life light like likely line list listen little live local long
look lose loss lot love low machine magazine main maintain major make man manage management manager
many market marriage material matter maybe mean measure media medical meet meeting member memory mention
message method middle might military million mind minute miss mission model modern moment money month
more morning most mother mouth move movement movie much museum music must name nation national natural
nature near nearly necessary need network never new news newspaper next nice night none north note
nothing notice now number occur off offer office officer official often oil ok old once one only open
operation opportunity option order organization other others out outside over own owner page pain
painting paper parent part participant particular partner party pass past patient pattern pay peace
people per percent perform performance perhaps period person personal phone physical pick picture piece
place plan plant play player point police policy political poor popular population position positive
possible power practice prepare present president pressure pretty prevent price primary private
probably problem process produce product production professional program project property protect
prove provide public pull purpose push put quality question quickly quite race radio raise range rate
rather reach read ready real reality realize really reason receive recent recently recognize record red
reduce reflect region relate relationship religious remain remember remove report represent request
require research resource respond response responsibility rest result return reveal rich right rise
risk road rock role room rule run safe same save say scene school science score sea season seat second
section security see seek seem sell send senior sense series serious serve service set seven several
shake share shoot short shot should shoulder show side sign significant similar simple simply since
sing single sister sit site situation six size skill skin small smile social society soldier some
somebody someone something sometimes son song soon sort sound source south southern space speak special
specific speech spend sport spring staff stage stand standard star start state statement station stay
step still stock stop store story strategy street strong structure student study stuff style subject
success successful such suddenly suffer suggest summary summer support sure surface system table take
talk task tax teach teacher team technology television tell ten tend term test than thank that theory
thing think third those though thought thousand threat three through throughout throw thus ticket time
today together tonight too top total tough toward town trade traditional training travel treat
treatment tree trial trip trouble true truth try turn tv two type under understand unit until up upon
use usual usually value various very victim view violence visit voice vote wait walk wall want war
watch water way weapon wear week weekend weight well west western what whatever while white whole why
wide wife will win wind window wish within without woman wonder word work worker world worry would
write writer wrong yard yeah year yes yet young youth
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december today tomorrow yesterday
north south east west northern southern eastern western upper lower greater
avenue road street lane boulevard drive square plaza park center centre city town village county
state province region district area country island lake river mountain valley beach bay
hotel museum restaurant cafe bar airport station hospital university college school library gallery
theater theatre stadium arena mall market store shop bank church
inc ltd llc corp co company group team club association foundation institute department
mr mrs ms dr prof sir
regular standard basic premium deluxe luxury economy business first class
english language national international official general
celsius fahrenheit kelvin metric imperial
km mi kg lb lbs oz ft cm mm ml usd eur gbp
hi hello hey dear thanks thank regards cheers sincerely welcome congratulations sorry okay sure great
unfortunately fortunately additionally alternatively meanwhile therefore note tip warning important
update reminder attention step option total subtotal summary details overview next steps
install run open click create add use try check make go visit call contact enter select choose download
upload remove delete copy paste type press restart enable disable configure set follow read review
consider keep avoid ensure remember see find start stop wait ask tell book reserve confirm cancel pay
send share sign log login register subscribe apply fill submit verify allow turn switch connect
first then next finally also overall currently today generally typically usually otherwise instead
furthermore moreover basically essentially specifically simply perfect absolutely certainly
definitely happy glad feel according regarding both either neither several
team support customer success service services account settings profile dashboard menu button
page tab window screen link form field app application release version feature features plan plans
pro basic free trial premium enterprise starter standard advanced express stable beta alpha
fraud security privacy billing payment payments refund refunds order orders shipping delivery
return returns policy policies terms conditions help center desk agent agents manager owner
fresh quick easy simple full main best top new old big small high low fast slow`;

export const STOPWORDS: ReadonlySet<string> = new Set(STOP.split(/\s+/).filter(Boolean));
export const COMMON_STEMS: ReadonlySet<string> = new Set((COMMON + ' ' + STOP).split(/\s+/).filter(Boolean).map(stem));

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}
export function isCommonStem(stemmed: string): boolean {
  return COMMON_STEMS.has(stemmed);
}

/**
 * Words of code and command lines: shell commands, keywords and builtins of common languages,
 * query words. In a value written as code they are syntax the model composed (see grounding.ts).
 */
const CODE = `ls dir cd pwd cat type echo touch mkdir rmdir rm del erase cp copy mv move ren rename grep findstr find sort
uniq wc head tail diff chmod chown sudo git npm npx pip python python3 node java javac go cargo make curl wget ssh
scp tar zip unzip gzip kill ps top df du start open cls clear set export env sh bash cmd powershell
lambda def return function const let var new null none true false nil self this class import from print
len str int float bool list dict map filter reduce range sum min max abs round exp log ln sqrt pow sin cos tan
startswith endswith contains includes split join replace lower upper strip trim match test
select where order group by limit insert update delete values into join on and or not like in is as asc desc
count avg distinct having create drop table index`;
const CODE_WORDS: ReadonlySet<string> = new Set(CODE.split(/\s+/).filter(Boolean));
export function isCodeWord(token: string): boolean {
  return CODE_WORDS.has(token);
}
