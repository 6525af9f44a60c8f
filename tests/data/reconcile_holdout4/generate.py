"""Generator for tests/data/reconcile_holdout4 (hand-written cases, kept out of the repo)."""
import csv, sys
from decimal import Decimal as D
from stdnum import iban as ibanmod, iso11649
from stdnum.iso7064 import mod_97_10

def mkiban(cc, bban):
    s = bban + cc + "00"
    n = int("".join(str(int(c, 36)) for c in s))
    chk = 98 - n % 97
    v = f"{cc}{chk:02d}{bban}"
    assert ibanmod.is_valid(v), v
    return v

def nl(bank, acct): return mkiban("NL", bank + acct)

def kenmerk(base15):
    assert len(base15) == 15
    w = [2,4,8,5,10,9,7,3,6,1]
    s = sum(int(d) * w[i % 10] for i, d in enumerate(reversed(base15)))
    c = 11 - s % 11
    c = {10: 1, 11: 0}.get(c, c)
    return f"{c}{base15}"

def rf(ref):
    v = "RF" + mod_97_10.calc_check_digits(ref + "RF") + ref
    assert iso11649.is_valid(v), v
    return v

def spaced(s, n=4): return " ".join(s[i:i+n] for i in range(0, len(s), n))

OWN_MAIN = nl("RABO", "0312874569")
OWN_SAV = nl("INGB", "0008837215")
OWN_DEP = nl("TRIO", "0390412876")   # deposit account not given to the engine
OWN_NAME = "Kempen IT Consultancy B.V."

# customers: key -> (contact_id, name, [ibans])
C = {}
def cust(key, cid, name, *ibans): C[key] = (cid, name, list(ibans))
BRP = nl("INGB", "0006543218"); cust("brp", "1001", "Brainport Precision Systems B.V.", BRP)
VDH = nl("RABO", "0147258369"); cust("vdh", "1002", "Van der Heijden Installaties B.V.", VDH)
STR = nl("ABNA", "0512348765"); cust("str", "1003", "Strijp Media Groep B.V.", STR)
TDH = nl("TRIO", "0212845673"); cust("tdh", "1004", "Tandartspraktijk De Hurk", TDH)
VVP = nl("ABNA", "0443219876"); cust("vvp", "1005", "Verhoeven & Partners Accountants B.V.", VVP)
LAM = nl("RABO", "0309871234"); cust("lam", "1006", "Bakkerij Lammers B.V.", LAM)
FIT = nl("BUNQ", "2045678912"); cust("fit", "1007", "FitLab Woensel V.O.F.", FIT)
DIJ = nl("INGB", "0004455667"); DIJ2 = nl("ABNA", "0601234987"); cust("dij", "1008", "Dijkstra Logistiek B.V.", DIJ, DIJ2)
HAM = nl("KNAB", "0256781234"); cust("ham", "1009", "Huisartsenpraktijk Meerhoven", HAM)
KOV = nl("RABO", "0334455661"); cust("kov", "1010", "Kinderopvang Het Speelkwartier B.V.", KOV)
SWI = nl("ABNA", "0587612345"); cust("swi", "1011", "Autobedrijf Swinkels Geldrop B.V.", SWI)
PET = nl("RABO", "0176543210"); cust("pet", "1012", "Bouwbedrijf Peters Nuenen B.V.", PET)
BRU = nl("INGB", "0007766554"); cust("bru", "1013", "Advocatenkantoor De Bruijn", BRU)
HVG = nl("RABO", "0123123123")
GTE = nl("RABO", "0155566677"); cust("gte", "1014", "Van Gerwen Techniek B.V.", GTE)
GSE = nl("RABO", "0166677788"); cust("gse", "1015", "Van Gerwen Service B.V.", GSE)
LUM = mkiban("BE", "001234567803"); cust("lum", "1016", "Lumen Optics NV", LUM)
HOF = mkiban("DE", "370400440532013000"); cust("hof", "1017", "Hoffmann Maschinenbau GmbH", HOF)
GRF = mkiban("GB", "NWBK60161331926819"); cust("grf", "1018", "Greenfield Analytics Ltd", GRF)
WZK = nl("BNGH", "0285012345"); cust("wzk", "1019", "Stichting Woonzorg Kempenland", WZK)
SON = nl("BNGH", "0285133447"); cust("son", "1020", "Gemeente Son en Breugel", SON)
JIC = nl("INGB", "0001239876"); cust("jic", "1021", "Jansen ICT B.V.", JIC)
KER = nl("INGB", "0009812345"); cust("ker", "1022", "Fysiotherapie Kerkhof", KER)
ZWD = nl("RABO", "0388899911"); cust("zwd", "1023", "Eetcafé De Zwarte Doos", ZWD)
LIE = nl("ABNA", "0498765432"); cust("lie", "1024", "Drukkerij Van Lieshout B.V.", LIE)
COO = nl("RABO", "0322211100"); cust("coo", "1025", "Installatiebedrijf Coolen", COO)
HEN = nl("ABNA", "0455566677"); cust("hen", "1026", "Makelaardij Hendriks B.V.", HEN)
VAS = nl("RABO", "0199988877"); cust("vas", "1027", "Transportbedrijf Van Asten B.V.", VAS)
HAR = nl("BUNQ", "2098765432"); cust("har", "1028", "Kapsalon Haarmonie", HAR)
ZEN = nl("TRIO", "0254433221"); cust("zen", "1029", "Coöperatie Zuid Energie U.A.", ZEN)
cust("nwk", "1030", "Nieuwkomer Engineering B.V.")   # new customer, IBAN unknown
MEI = nl("INGB", "0003344556"); cust("mei", "1031", "Meijer Vastgoedbeheer B.V.", MEI)
BOS = nl("RABO", "0133344455"); cust("bos", "1032", "Bosch & Van Rooij Notarissen", BOS)
AKS = nl("KNAB", "0277788899"); cust("aks", "1033", "Akkermans Schilderwerken", AKS)
TUE = nl("ABNA", "0402030405"); cust("tue", "1034", "Stichting Studentenhuisvesting Eindhoven", TUE)
EUR = nl("INGB", "0005656565"); cust("eur", "1035", "Eurofins Testlab Best B.V.", EUR)
PLM = nl("RABO", "0344455566"); cust("plm", "1036", "Plant & Meer Hoveniers", PLM)
VRB = nl("INGB", "0002233445"); cust("vrb", "1037", "Verbruggen Elektro B.V.", VRB)

INV = []     # rows
BYNUM = {}
def inv(num, key, date, due, total, open_=None, ref=""):
    iid = str(58000 + len(INV) + 1)
    cid, name, ibans = C[key]
    total = D(total)
    o = total if open_ is None else D(open_)
    INV.append([iid, num, cid, name, ";".join(ibans), date, due, "EUR", f"{total:.2f}", f"{o:.2f}", ref])
    BYNUM[num] = iid
    return iid

def K(n): return kenmerk(n)

# ---- invoices -------------------------------------------------------------------
# Brainport Precision: large customer, AP payment runs, PO numbers
inv("F2026-0003", "brp", "2026-01-06", "2026-02-05", "4719.00")
inv("F2026-0011", "brp", "2026-01-13", "2026-02-12", "2904.00")
inv("F2026-0019", "brp", "2026-01-20", "2026-02-19", "1452.00")
inv("F2026-0027", "brp", "2026-01-30", "2026-03-01", "6897.00")
inv("F2026-0044", "brp", "2026-02-10", "2026-03-12", "3630.00")
inv("F2026-0052", "brp", "2026-02-17", "2026-03-19", "2238.50")
inv("F2026-0066", "brp", "2026-03-02", "2026-04-01", "5203.00")
# Van der Heijden
inv("F2026-0004", "vdh", "2026-01-06", "2026-01-20", "1113.20")
inv("F2026-0031", "vdh", "2026-02-03", "2026-02-17", "834.90")
# Strijp Media: betalingskenmerk invoices
inv("F2026-0007", "str", "2026-01-08", "2026-01-22", "2420.00", ref=K("100000020260007"))
inv("F2026-0035", "str", "2026-02-05", "2026-02-19", "1633.50", ref=K("100000020260035"))
inv("F2026-0060", "str", "2026-02-26", "2026-03-12", "968.00", ref=K("100000020260060"))
# Tandarts De Hurk: monthly support 181.50
inv("F2026-0008", "tdh", "2026-01-01", "2026-01-15", "181.50")
inv("F2026-0038", "tdh", "2026-02-01", "2026-02-15", "181.50")
inv("F2026-0061", "tdh", "2026-03-01", "2026-03-15", "181.50")
# Verhoeven & Partners: RF references
inv("F2026-0012", "vvp", "2026-01-14", "2026-02-13", "3267.00", ref=rf("F20260012"))
inv("F2026-0045", "vvp", "2026-02-11", "2026-03-13", "1210.00", ref=rf("F20260045"))
# Bakkerij Lammers: monthly managed services 422.29, three open
inv("F2026-0001", "lam", "2026-01-01", "2026-01-15", "422.29")
inv("F2026-0032", "lam", "2026-02-01", "2026-02-15", "422.29")
inv("F2026-0057", "lam", "2026-03-01", "2026-03-15", "422.29")
# FitLab
inv("F2026-0014", "fit", "2026-01-15", "2026-01-29", "605.00")
inv("F2026-0048", "fit", "2026-02-13", "2026-02-27", "302.50")
# Dijkstra Logistiek: listed multi payments
inv("F2026-0009", "dij", "2026-01-09", "2026-02-08", "1875.50")
inv("F2026-0015", "dij", "2026-01-16", "2026-02-15", "665.50")
inv("F2026-0022", "dij", "2026-01-23", "2026-02-22", "2299.00")
inv("F2026-0040", "dij", "2026-02-06", "2026-03-08", "1149.50")
inv("F2026-0058", "dij", "2026-02-20", "2026-03-22", "-242.00")   # credit note on F2026-0040
# Huisartsenpraktijk Meerhoven (Knab)
inv("F2026-0016", "ham", "2026-01-16", "2026-01-30", "786.50")
inv("F2026-0050", "ham", "2026-02-16", "2026-03-02", "786.50")
# Kinderopvang: betalingsregeling on F2025-0190 (3025.00, 6 x 504.17), 2 paid already
inv("F2025-0190", "kov", "2025-11-28", "2025-12-12", "3025.00", open_="2016.66")
inv("F2026-0020", "kov", "2026-01-21", "2026-02-04", "544.50")
# Swinkels: collection agency
inv("F2025-0172", "swi", "2025-10-20", "2025-11-03", "2843.50")
inv("F2025-0181", "swi", "2025-11-10", "2025-11-24", "605.00")
# Peters: bailiff, partial
inv("F2025-0166", "pet", "2025-10-06", "2025-10-20", "7562.50")
# De Bruijn
inv("F2026-0024", "bru", "2026-01-26", "2026-02-09", "1391.50")
# Van Gerwen subsidiaries
inv("F2026-0017", "gte", "2026-01-19", "2026-02-18", "2057.00")
inv("F2026-0029", "gte", "2026-02-02", "2026-03-04", "877.25")
inv("F2026-0018", "gse", "2026-01-19", "2026-02-18", "1694.00")
inv("F2026-0053", "gse", "2026-02-18", "2026-03-20", "1028.50")
# Lumen Optics (BE), reverse charge, no VAT
inv("F2026-0021", "lum", "2026-01-22", "2026-02-21", "4400.00")
inv("F2026-0055", "lum", "2026-02-23", "2026-03-25", "2750.00")
# Hoffmann (DE)
inv("F2026-0025", "hof", "2026-01-27", "2026-02-26", "6120.00")
inv("F2026-0062", "hof", "2026-03-02", "2026-04-01", "1530.00")
# Greenfield (UK) - English
inv("F2026-0026", "grf", "2026-01-28", "2026-02-27", "3960.00")
inv("F2026-0063", "grf", "2026-03-03", "2026-04-02", "1980.00")
# Woonzorg Kempenland: batch, "zie email"
inv("F2026-0005", "wzk", "2026-01-07", "2026-02-06", "1512.50")
inv("F2026-0028", "wzk", "2026-01-31", "2026-03-02", "2117.50")
inv("F2026-0036", "wzk", "2026-02-05", "2026-03-07", "907.50")
# Gemeente Son en Breugel: government refs
inv("F2026-0023", "son", "2026-01-23", "2026-02-22", "9075.00")
inv("F2026-0067", "son", "2026-03-04", "2026-04-03", "1815.00")
# Jansen ICT
inv("F2026-0030", "jic", "2026-02-02", "2026-02-16", "459.80")
# Kerkhof
inv("F2026-0033", "ker", "2026-02-04", "2026-02-18", "229.90")
# De Zwarte Doos: short payments
inv("F2026-0034", "zwd", "2026-02-04", "2026-02-18", "363.00")
inv("F2026-0059", "zwd", "2026-02-25", "2026-03-11", "514.25")
# Van Lieshout
inv("F2026-0037", "lie", "2026-02-05", "2026-02-19", "1270.50", ref=K("100000020260037"))
inv("F2026-0064", "lie", "2026-03-03", "2026-03-17", "635.25")
# Coolen
inv("F2026-0039", "coo", "2026-02-06", "2026-02-20", "998.25")
# Hendriks: double payment (0042 already paid)
inv("F2026-0042", "hen", "2026-02-09", "2026-02-23", "1573.00", open_="0")
inv("F2026-0065", "hen", "2026-03-02", "2026-03-16", "726.00")
# Van Asten: factored invoices
inv("F2026-0043", "vas", "2026-02-09", "2026-03-11", "4235.00")
inv("F2026-0051", "vas", "2026-02-17", "2026-03-19", "2359.50")
# Haarmonie
inv("F2026-0046", "har", "2026-02-12", "2026-02-26", "145.20")
# Zuid Energie
inv("F2026-0047", "zen", "2026-02-12", "2026-03-14", "3388.00", ref=rf("F20260047"))
inv("F2026-0068", "zen", "2026-03-05", "2026-04-04", "1089.00", ref=rf("F20260068"))
# Nieuwkomer (IBAN unknown)
inv("F2026-0049", "nwk", "2026-02-13", "2026-02-27", "2541.00")
# Meijer Vastgoed
inv("F2026-0054", "mei", "2026-02-19", "2026-03-05", "1936.00")
inv("F2026-0069", "mei", "2026-03-06", "2026-03-20", "1936.00")
# Bosch & Van Rooij
inv("F2026-0056", "bos", "2026-02-24", "2026-03-10", "2662.00", ref=K("100000020260056"))
# Akkermans
inv("F2026-0070", "aks", "2026-03-06", "2026-03-20", "332.75")
# Studentenhuisvesting
inv("F2026-0071", "tue", "2026-03-09", "2026-04-08", "5445.00")
inv("F2026-0041", "tue", "2026-02-09", "2026-03-11", "1361.25")
# Eurofins
inv("F2026-0072", "eur", "2026-03-09", "2026-04-08", "2964.50")
inv("F2026-0013", "eur", "2026-01-14", "2026-02-13", "1210.00")
# Plant & Meer
inv("F2026-0073", "plm", "2026-03-10", "2026-03-24", "423.50")
# Verbruggen
inv("F2026-0074", "vrb", "2026-03-10", "2026-03-24", "1113.20")
inv("F2026-0006", "vrb", "2026-01-07", "2026-01-21", "556.60")
# more Brainport/others to crowd amounts and to stay open
inv("F2026-0075", "vdh", "2026-03-11", "2026-03-25", "1113.20")
inv("F2026-0076", "jic", "2026-03-11", "2026-03-25", "459.80")
inv("F2026-0077", "fit", "2026-03-12", "2026-03-26", "605.00")
inv("F2026-0078", "coo", "2026-03-12", "2026-03-26", "1210.00")
inv("F2026-0002", "bos", "2026-01-05", "2026-01-19", "847.00", open_="0")
inv("F2026-0010", "zen", "2026-01-12", "2026-02-11", "2299.00", open_="0")
inv("F2025-0185", "lie", "2025-11-17", "2025-12-01", "1452.00")
inv("F2025-0188", "har", "2025-11-24", "2025-12-08", "96.80")
inv("F2025-0193", "mei", "2025-12-05", "2025-12-19", "3025.00", open_="1025.00")
inv("F2025-0197", "ker", "2025-12-15", "2025-12-29", "229.90")
inv("F2025-0199", "tdh", "2025-12-22", "2026-01-05", "181.50")
inv("F2026-0079", "aks", "2026-03-13", "2026-03-27", "332.75")
inv("F2026-0080", "plm", "2026-03-13", "2026-03-27", "1694.00")
inv("F2026-0081", "wzk", "2026-03-16", "2026-04-15", "2117.50")
inv("F2026-0082", "nwk", "2026-03-16", "2026-03-30", "1512.50")
inv("F2026-0083", "eur", "2026-03-17", "2026-04-16", "726.00")
inv("F2026-0084", "gte", "2026-03-17", "2026-04-16", "1452.00")
inv("F2026-0085", "son", "2026-03-18", "2026-04-17", "3630.00")
inv("F2026-0086", "str", "2026-03-18", "2026-04-01", "3146.00", ref=K("100000020260086"))
inv("F2026-0087", "har", "2026-03-02", "2026-03-16", "242.00")
inv("F2026-0088", "bos", "2026-03-03", "2026-03-17", "3811.50")
inv("F2026-0089", "vrb", "2026-03-04", "2026-03-18", "786.00")
# give the PLM invoice a kenmerk (typo case)
for r in INV:
    if r[1] == "F2026-0080": r[10] = K("100000020260080")

# regular customers: plain invoices paid plainly in various bank styles
REG = [
    ("reg01", "1040", "Hermans Accountancy B.V.", nl("RABO", "0312345670")),
    ("reg02", "1041", "Van Dommelen Transport B.V.", nl("INGB", "0006677889")),
    ("reg03", "1042", "Beautysalon Glow Eindhoven", nl("BUNQ", "2011223344")),
    ("reg04", "1043", "Smits Bouwadvies", nl("KNAB", "0211122233")),
    ("reg05", "1044", "Stichting Scouting Gestel", nl("TRIO", "0277665544")),
    ("reg06", "1045", "Technisch Bureau Rovers B.V.", nl("ABNA", "0533344455")),
    ("reg07", "1046", "Wijnhandel De Kempen V.O.F.", nl("RABO", "0355544433")),
    ("reg08", "1047", "Orthodontie Centrum Eindhoven B.V.", nl("INGB", "0008899001")),
    ("reg09", "1048", "Veldhoven Precision Parts B.V.", nl("ABNA", "0566677788")),
    ("reg10", "1049", "Fietsenmakerij Van Rooij", nl("RABO", "0377766655")),
    ("reg11", "1050", "Design Studio Kade 14", nl("BUNQ", "2033445566")),
    ("reg12", "1051", "Jeugdzorg Zuidoost Brabant", nl("BNGH", "0285987654")),
    ("reg13", "1052", "Wouters Dakwerken B.V.", nl("RABO", "0388877766")),
    ("reg14", "1053", "Optiek Van Kemenade", nl("INGB", "0004433221")),
    ("reg15", "1054", "Loonbedrijf Maas B.V.", nl("RABO", "0399988877")),
    ("reg16", "1055", "E-Mobility Hub Helmond B.V.", nl("ABNA", "0577788899")),
]
for key, cid, name, ib in REG: cust(key, cid, name, ib)
REG_AMT = ["254.10", "1742.40", "121.00", "968.30", "60.50", "3219.85", "574.75", "1331.00",
           "2087.25", "199.65", "847.00", "4537.50", "1058.75", "314.60", "2541.00", "1887.60"]
REG_NUM = []
for k, (key, *_rest) in enumerate(REG):
    n = f"F2026-{90 + k:04d}"
    inv(n, key, f"2026-03-{1 + k:02d}", f"2026-03-{15 + k:02d}", REG_AMT[k])
    REG_NUM.append(n)

# ---- mutations ------------------------------------------------------------------
MUT = []
def M(date, amount, name, iban, desc, phen, expect=(), certain=0, det=None, flag="", note=""):
    if det is None: det = 1 if expect else 0
    mid = f"RABO-2026-{len(MUT) + 1:04d}"
    ids = ";".join(BYNUM[n] for n in expect)
    MUT.append([mid, date, f"{D(amount):.2f}", "EUR", name, iban, desc, phen, ids, str(certain), str(det), flag, note])

def abn(iban, bic, name, remi, eref="NOTPROVIDED"):
    return f"/TRTP/SEPA OVERBOEKING/IBAN/{iban}/BIC/{bic}/NAME/{name}/REMI/{remi}/EREF/{eref}"
def ing(name, remi, iban, ref=""):
    return f"Naam: {name} Omschrijving: {remi} IBAN: {iban}" + (f" Kenmerk: {ref}" if ref else "")
def camt(e2e, ustrd): return f"EndToEndId: {e2e} Ustrd: {ustrd}"
def camt_strd(e2e, ref): return f"EndToEndId: {e2e} Strd: CdtrRefInf Tp SCOR Ref: {ref}"
def ogm(base10):
    c = int(base10) % 97 or 97
    s = f"{base10}{c:02d}"
    return f"+++{s[:3]}/{s[3:7]}/{s[7:]}+++"
def ken(num): return [r for r in INV if r[1] == num][0][10]

# A. invoice number, exact and mangled
M("2026-02-03", "1113.20", "VAN DER HEIJDEN INSTALLATIES BV", VDH, "F2026-0004", "number_exact", ["F2026-0004"], 1)
M("2026-02-16", "834.90", "Van der Heijden Installaties B.V.", VDH, "Factuur F2026 0031", "number_mangled", ["F2026-0031"], 1)
M("2026-02-14", "459.80", "JANSEN ICT BV", JIC, ing("JANSEN ICT BV", "fact 2026-30", JIC), "number_mangled", ["F2026-0030"], 1, note="no prefix, no leading zeros; F2026-0076 has the same amount")
M("2026-02-17", "229.90", "Fysiotherapie Kerkhof", KER, ing("Fysiotherapie Kerkhof", "factuurnr f20260033", KER), "number_mangled", ["F2026-0033"], 1, note="F2025-0197 has the same amount")
M("2026-02-18", "998.25", "INSTALLATIEBEDRIJF COOLEN", COO, "F 2026-0039 Coolen", "number_mangled", ["F2026-0039"], 1)
M("2026-02-25", "145.20", "Kapsalon Haarmonie", HAR, "fact.nr. 2026/0046", "number_mangled", ["F2026-0046"], 1)
M("2026-03-18", "332.75", "AKKERMANS SCHILDERWERKEN", AKS, "Factuur 20260070 | AKKERMANS SCHILDERWERKEN", "number_mangled", ["F2026-0070"], 1, note="Knab style; F2026-0079 same amount")
M("2026-03-20", "423.50", "Plant & Meer Hoveniers", PLM, "F2026-073", "number_mangled", ["F2026-0073"], 1, note="one leading zero lost")
M("2026-02-12", "1210.00", "EUROFINS TESTLAB BEST BV", EUR, "INV F2026-0013 PO 4500098765", "number_exact", ["F2026-0013"], 1, note="PO number is theirs")
M("2026-03-04", "1936.00", "MEIJER VASTGOEDBEHEER BV", MEI, ing("MEIJER VASTGOEDBEHEER BV", "Factuur F2026-0054", MEI), "number_exact", ["F2026-0054"], 1, note="F2026-0069 same customer same amount; number decides")
M("2026-02-27", "302.50", "FitLab Woensel", FIT, "F2026-0048", "number_exact", ["F2026-0048"], 1, note="bunq")
M("2026-03-16", "635.25", "DRUKKERIJ VAN LIESHOUT B.V.", LIE, abn(LIE, "ABNANL2A", "DRUKKERIJ VAN LIESHOUT B.V.", "Factuurnummer: F2026-0064"), "number_exact", ["F2026-0064"], 1)
M("2026-03-02", "877.25", "Van Gerwen Techniek B.V.", GTE, "F2026-0029", "number_exact", ["F2026-0029"], 1)
M("2026-02-09", "1391.50", "ADVOCATENKANTOOR DE BRUIJN", BRU, ing("ADVOCATENKANTOOR DE BRUIJN", "Uw factuur F2026-0024 dd 26-01-2026", BRU), "number_exact", ["F2026-0024"], 1, note="date in text")
M("2026-03-10", "1361.25", "STICHTING STUDENTENHUISVESTING EINDHOVEN", TUE, abn(TUE, "ABNANL2A", "STICHTING STUDENTENHUISVESTING EINDHOVEN", "F2026 - 0041 kenmerk SSH/2026/118", "SSH2026118"), "number_mangled", ["F2026-0041"], 1)
M("2026-01-30", "786.50", "Huisartsenpraktijk Meerhoven", HAM, "Factuur F2026-0016 | Huisartsenpraktijk Meerhoven", "number_exact", ["F2026-0016"], 1, note="Knab; F2026-0050 same amount")
M("2026-03-11", "514.25", "EETCAFE DE ZWARTE DOOS", ZWD, "factuur 59", "short_reference", ["F2026-0059"], 1, note="short number, but only invoice of this customer with that number ending and exact amount")
M("2026-02-05", "1452.00", "Drukkerij van Lieshout", LIE, "f2025 0185", "number_mangled", ["F2025-0185"], 1, note="1452.00 also open at Brainport and Van Gerwen Techniek")
M("2026-03-16", "726.00", "MAKELAARDIJ HENDRIKS BV", HEN, abn(HEN, "ABNANL2A", "MAKELAARDIJ HENDRIKS BV", "F2026-0065"), "number_exact", ["F2026-0065"], 1)
M("2026-03-12", "968.00", "STRIJP MEDIA GROEP BV", STR, abn(STR, "ABNANL2A", "STRIJP MEDIA GROEP BV", "F2026-0060", "SMG-20260312-01"), "number_exact", ["F2026-0060"], 1, note="invoice has a kenmerk, customer typed the number")
M("2026-03-06", "544.50", "KINDEROPVANG HET SPEELKWARTIER BV", KOV, "Factuur F2026-0020", "number_exact", ["F2026-0020"], 1)

# B. betalingskenmerk
M("2026-01-21", "2420.00", "STRIJP MEDIA GROEP BV", STR, ing("STRIJP MEDIA GROEP BV", "Betalingskenm.: " + ken("F2026-0007"), STR), "betalingskenmerk", ["F2026-0007"], 1)
M("2026-02-19", "1633.50", "Strijp Media Groep B.V.", STR, spaced(ken("F2026-0035")), "betalingskenmerk", ["F2026-0035"], 1, note="kenmerk in groups of 4")
M("2026-02-19", "1270.50", "Drukkerij Van Lieshout", LIE, "Betalingskenmerk " + ken("F2026-0037"), "betalingskenmerk", ["F2026-0037"], 1)
M("2026-03-09", "2662.00", "BOSCH & VAN ROOIJ NOTARISSEN", BOS, f"Notariskantoor Bosch & Van Rooij kenmerk: {ken('F2026-0056')} ref 2026/0213", "betalingskenmerk", ["F2026-0056"], 1, note="buried kenmerk plus their own ref")
k80 = ken("F2026-0080"); k80t = k80[:9] + k80[10] + k80[9] + k80[11:]
M("2026-03-25", "1694.00", "Plant & Meer Hoveniers", PLM, k80t, "reference_typo", ["F2026-0080"], 1, note="kenmerk with two digits swapped, but known IBAN and the only open 1694.00 of this customer")
k86 = ken("F2026-0086"); k86t = k86[:12] + str((int(k86[12]) + 1) % 10) + k86[13:]
M("2026-03-27", "3146.00", "STRIJP MEDIA HOLDING BV", nl("INGB", "0009988776"), "Betalingskenmerk " + k86t, "reference_typo", ["F2026-0086"], 0, note="one digit wrong, unknown (holding) account: suggestion")

# C. RF creditor reference
M("2026-02-12", "3267.00", "VERHOEVEN & PARTNERS ACCOUNTANTS", VVP, abn(VVP, "ABNANL2A", "VERHOEVEN & PARTNERS ACCOUNTANTS", rf("F20260012")), "rf_reference", ["F2026-0012"], 1)
M("2026-03-12", "1210.00", "Verhoeven & Partners", VVP, "betaling " + " ".join(rf("F20260045")[i:i+4] for i in range(0, 13, 4)).lower(), "rf_reference", ["F2026-0045"], 1, note="RF in lower case with spaces; 1210.00 open at several customers")
M("2026-03-13", "3388.00", "COOPERATIE ZUID ENERGIE U.A.", ZEN, camt_strd("ZE-2026-000881", rf("F20260047")), "rf_reference", ["F2026-0047"], 1, note="camt structured creditor reference")
rf68 = rf("F20260068"); rf68t = rf68[:2] + str((int(rf68[2]) + 3) % 10) + rf68[3:]
M("2026-03-30", "1089.00", "COOPERATIE ZUID ENERGIE U.A.", ZEN, camt("ZE-2026-000951", rf68t), "reference_typo", ["F2026-0068"], 1, note="RF check digits wrong, but known IBAN and the only open 1089.00 of this customer")

# D. IBAN + exact amount, no reference
M("2026-03-19", "1028.50", "VAN GERWEN SERVICE BV", GSE, "Betaling", "iban_amount", ["F2026-0053"], 1)
M("2026-02-10", "605.00", "FitLab Woensel", FIT, "contributie IT jan", "iban_amount", ["F2026-0014"], 1, note="F2026-0077 (same amount) did not exist yet on the payment date")
M("2026-03-24", "1210.00", "INSTALLATIEBEDRIJF COOLEN", COO, "betaling factuur", "iban_amount", ["F2026-0078"], 1, note="only open 1210.00 of Coolen")
M("2026-04-07", "2964.50", "EUROFINS TESTLAB BEST BV", EUR, "Eurofins payment 2026031800123", "iban_amount", ["F2026-0072"], 1, note="long number is their payment id")
M("2026-03-31", "5203.00", "BRAINPORT PRECISION SYSTEMS B.V.", BRP, "PO 4500123456", "false_friend_po", ["F2026-0066"], 1, note="SAP PO number, only open 5203.00")
M("2026-01-20", "556.60", "VERBRUGGEN ELEKTRO B.V.", VRB, "VERBRUGGEN ELEKTRO KvK 17283946 BTW NL858394021B01", "false_friend_kvk", ["F2026-0006"], 1)
M("2026-03-19", "1452.00", "VAN GERWEN TECHNIEK BV", GTE, "VAN GERWEN TECHNIEK BV 12-03", "iban_amount", ["F2026-0084"], 1, note="1452.00 open at other customers too, IBAN narrows to one")
M("2026-03-28", "1512.50", "NIEUWKOMER ENGINEERING BV", nl("ABNA", "0612398745"), "betaling", "name_amount", ["F2026-0082"], 0, note="IBAN unknown, name matches, 1512.50 also at Woonzorg (paid in batch)")

# E. name only / fuzzy
M("2026-03-23", "459.80", "J. JANSEN", nl("SNSB", "0912345678"), "Jansen I.C.T.", "name_amount", ["F2026-0076"], 0, note="private account, fuzzy name; F2026-0030 paid above")
M("2026-02-20", "229.90", "MW A KERKHOF-VAN DIJK", nl("ASNB", "0708123456"), "fysio", "name_amount", ["F2025-0197"], 0, note="private account of the owner")
M("2026-03-30", "786.00", "Elektro Verbruggen", nl("RABO", "0411223344"), "Factuur F2026-0098", "reference_typo", ["F2026-0089"], 0, note="digits swapped (0089 -> 0098, which is Veldhoven Precision's paid 2087.25 invoice), unknown IBAN, exact amount of 0089")

# F. several invoices in one transfer
M("2026-02-20", "4840.00", "DIJKSTRA LOGISTIEK BV", DIJ, ing("DIJKSTRA LOGISTIEK BV", "F2026-0009 F2026-0015 F2026-0022", DIJ), "multi_listed", ["F2026-0009", "F2026-0015", "F2026-0022"], 1)
M("2026-03-20", "907.50", "DIJKSTRA LOGISTIEK BV", DIJ2, abn(DIJ2, "ABNANL2A", "DIJKSTRA LOGISTIEK BV", "F2026-0040 minus creditnota F2026-0058"), "credit_note", ["F2026-0040", "F2026-0058"], 1, note="1149.50 - 242.00, second known IBAN")
M("2026-03-26", "5868.50", "BRAINPORT PRECISION SYSTEMS B.V.", BRP, "PAYMENT RUN 2026-03 REF 778812 INV F2026-0044 3630,00 INV F2026-0052 2238,50", "multi_listed", ["F2026-0044", "F2026-0052"], 1)
M("2026-02-27", "9075.00", "BRAINPORT PRECISION SYSTEMS B.V.", BRP, "BETALINGSSPECIFICATIE ZIE EMAIL", "multi_subset", ["F2026-0003", "F2026-0011", "F2026-0019"], 0, note="total = the three oldest; also equals Gemeente Son F2026-0023 (other customer)")
M("2026-03-12", "2420.00", "STICHTING WOONZORG KEMPENLAND", WZK, "Betalingsspecificatie zie e-mail, betaalrun 12-03-2026", "multi_subset", ["F2026-0005", "F2026-0036"], 0, note="1512.50 + 907.50; equals Strijp F2026-0007 (paid)")
M("2026-02-25", "3751.00", "HOLDING VAN GERWEN B.V.", HVG, "F2026-0017 en F2026-0018", "parent_pays", ["F2026-0017", "F2026-0018"], 1, note="holding pays for two subsidiaries, not a contact IBAN")
M("2026-03-31", "5445.00", "GEMEENTE SON EN BREUGEL", SON, "Verplichtingnummer 2026-00412 factuurnr F2026-0067 en F2026-0085 crediteurnr 40012", "multi_listed", ["F2026-0067", "F2026-0085"], 1, note="equals Studentenhuisvesting F2026-0071; verplichting number looks like ours")

# G. instalments and arrangements
M("2026-02-02", "504.17", "KINDEROPVANG HET SPEELKWARTIER BV", KOV, "termijn 3/6 regeling F2025-0190", "arrangement", ["F2025-0190"], 1)
M("2026-03-02", "504.17", "KINDEROPVANG HET SPEELKWARTIER BV", KOV, "termijn 4/6 regeling F2025-0190", "arrangement", ["F2025-0190"], 1)
M("2026-02-27", "500.00", "MEIJER VASTGOEDBEHEER BV", MEI, "deelbetaling F2025-0193", "partial", ["F2025-0193"], 1)
M("2026-02-24", "1270.50", "NIEUWKOMER ENGINEERING BV", nl("ABNA", "0612398745"), "aanbetaling 50% F2026-0049", "partial", ["F2026-0049"], 1, note="reference + explicit part; new customer account")

# H. collection agency / bailiff
BCM = nl("INGB", "0007123987")
M("2026-02-23", "2843.50", "BRABANT CREDIT MANAGEMENT BV", BCM, "Incassobureau Brabant Credit Management namens Autobedrijf Swinkels Geldrop, dossier 12345, uw factuur F2025-0172", "collection_agency", ["F2025-0172"], 1)
M("2026-03-23", "605.00", "BRABANT CREDIT MANAGEMENT BV", BCM, "Afdracht dossier 12345 Swinkels deelbetaling 1", "collection_agency", ["F2025-0181"], 0, note="no invoice number; remaining Swinkels invoice has exactly this amount")
GDW = nl("RABO", "0144455566")
M("2026-03-05", "2500.00", "GERECHTSDEURWAARDERSKANTOOR VAN DEN BROEK & PARTNERS", GDW, "Afdracht dossier 2025/88123 inz. Bouwbedrijf Peters Nuenen BV uw ref F2025-0166 deelbetaling", "collection_agency", ["F2025-0166"], 1, note="partial with reference")
M("2026-03-27", "1250.00", "GERECHTSDEURWAARDERSKANTOOR VAN DEN BROEK & PARTNERS", GDW, "Afdracht dossier 2025/88123", "collection_agency", ["F2025-0166"], 0, 0, note="only the dossier number; link via earlier afdracht")

# I. factoring
FAC = nl("ABNA", "0622233344")
M("2026-03-11", "4235.00", "FACTRIS B.V.", FAC, "Doorbetaling debiteur Transportbedrijf Van Asten factuur F2026-0043", "factoring", ["F2026-0043"], 1)
M("2026-02-19", "2123.55", "FUNDR B.V.", nl("INGB", "0001112223"), "Voorschot 90% factuur F2026-0051 debiteur Van Asten", "factoring", ["F2026-0051"], 0, note="factor advance, booking depends on the factoring contract")
M("2026-02-16", "6793.54", "C2FO EUROPE", mkiban("GB", "BARC20000055779911"), "C2FO early payment BRAINPORT PRECISION SYSTEMS INV F2026-0027 DISC 1.5%", "factoring", ["F2026-0027"], 0, note="early payment with 1.5% discount")

# K. foreign
M("2026-02-20", "4400.00", "LUMEN OPTICS NV", LUM, "Mededeling: " + ogm("0906202601"), "foreign_be", ["F2026-0021"], 1, note="Belgian structured communication of their own; known IBAN + exact unique amount")
M("2026-03-24", "2750.00", "LUMEN OPTICS NV", LUM, "Mededeling: factuur F2026/0055", "foreign_be", ["F2026-0055"], 1)
M("2026-02-26", "6105.00", "HOFFMANN MASCHINENBAU GMBH", HOF, "Rechnung Nr. F2026-0025 vom 27.01.2026 abzgl. Spesen", "foreign_de", ["F2026-0025"], 0, note="15.00 bank charges deducted")
M("2026-03-31", "1530.00", "Hoffmann Maschinenbau GmbH & Co. KG", mkiban("DE", "500105175407324931"), "Rechnung F2026-0062 Kundennr. 40471", "foreign_de", ["F2026-0062"], 1, note="other German account, number + amount")
M("2026-02-27", "3942.50", "GREENFIELD ANALYTICS LTD", GRF, "INVOICE F2026-0026 LESS CHARGES", "short_payment", ["F2026-0026"], 0, note="17.50 charges")
M("2026-03-30", "1980.00", "Greenfield Analytics Ltd", GRF, "Payment for invoice no. F2026-0063, thanks", "english", ["F2026-0063"], 1)

# M. monthly contracts
M("2026-02-02", "422.29", "BAKKERIJ LAMMERS BV", LAM, "Servicecontract januari", "monthly_month", ["F2026-0001"], 0, note="month name; three open of 422.29")
M("2026-03-03", "422.29", "BAKKERIJ LAMMERS BV", LAM, "maandbedrag servicecontract", "monthly_nomonth", ["F2026-0032"], 0, 1, note="no month; by elimination (jan and mar paid by the other two)")
M("2026-03-16", "422.29", "BAKKERIJ LAMMERS BV", LAM, "Servicecontract maart 2026", "monthly_month", ["F2026-0057"], 0)
M("2026-03-05", "181.50", "TANDARTSPRAKTIJK DE HURK", TDH, "Maandelijkse bijdrage IT-support", "monthly_nomonth", [], 0, 0, note="four open of 181.50, no month")
M("2026-02-16", "181.50", "TANDARTSPRAKTIJK DE HURK", TDH, "IT support februari 2026", "monthly_month", ["F2026-0038"], 0)
M("2026-03-02", "786.50", "Huisartsenpraktijk Meerhoven", HAM, "Maandfactuur | Huisartsenpraktijk Meerhoven", "monthly_nomonth", ["F2026-0050"], 1, note="F2026-0016 paid by number above")

# N. short payments
M("2026-02-20", "358.00", "EETCAFE DE ZWARTE DOOS", ZWD, "factuur F2026-0034 min 5 euro kosten", "short_payment", ["F2026-0034"], 0)
M("2026-02-20", "8893.50", "GEMEENTE SON EN BREUGEL", SON, "F2026-0023 -2% betalingskorting", "short_payment", ["F2026-0023"], 0)
M("2026-01-05", "96.00", "Kapsalon Haarmonie", HAR, "fact 2025-0188", "short_payment", ["F2025-0188"], 0, note="80 cents short")

# O. overpayment, double payment, two claims
M("2026-03-23", "1131.20", "VERBRUGGEN ELEKTRO B.V.", VRB, "F2026-0074", "overpayment", ["F2026-0074"], 0, flag="overpayment", note="amount typo, 18.00 too much")
M("2026-03-02", "1573.00", "MAKELAARDIJ HENDRIKS BV", HEN, abn(HEN, "ABNANL2A", "MAKELAARDIJ HENDRIKS BV", "F2026-0042"), "double_payment", ["F2026-0042"], 0, 0, flag="overpayment", note="already paid")
M("2026-02-10", "847.00", "BOSCH & VAN ROOIJ NOTARISSEN", BOS, "Factuur F2026-0002", "double_payment", ["F2026-0002"], 0, 0, flag="overpayment", note="already paid; 847.00 open at Design Studio Kade 14")
M("2026-02-12", "2299.00", "COOPERATIE ZUID ENERGIE U.A.", ZEN, camt("ZE-2026-000512", "NOTPROVIDED"), "double_payment", ["F2026-0010"], 0, 0, flag="overpayment", note="no reference; same amount as their paid F2026-0010")
M("2026-03-10", "242.00", "Kapsalon Haarmonie", HAR, "F2026-0087", "double_payment_same_batch", ["F2026-0087"], 1, note="paid twice on the same day: book one")
M("2026-03-10", "242.00", "Kapsalon Haarmonie", HAR, "F2026-0087", "double_payment_same_batch", ["F2026-0087"], 0, 0, flag="overpayment", note="paid twice on the same day: the second is the double payment")

# P. PSP payouts
M("2026-03-04", "1871.23", "Stichting Mollie Payments", nl("ABNA", "0247325357"), "Uitbetaling st.1234567 Mollie referentie 2026-03-04", "psp_payout", [], 0, flag="psp_payout")
M("2026-03-06", "1210.00", "STRIPE TECHNOLOGY EUROPE LTD", mkiban("IE", "CITI99005112345678"), "STRIPE PAYOUT po_1OxK3d2eZvKYlo2C", "psp_payout", [], 0, flag="psp_payout", note="amount equals several open invoices")
M("2026-03-13", "3267.00", "ADYEN N.V.", nl("ABNA", "0814567890"), "Adyen payout batch 1187 merchant KempenITtraining", "psp_payout", [], 0, flag="psp_payout")
M("2026-03-16", "459.80", "BUCKAROO B.V.", nl("INGB", "0001122334"), "Uitbetaling Buckaroo 20260315", "psp_payout", [], 0, flag="psp_payout", note="equals Jansen ICT F2026-0076")
M("2026-03-18", "726.00", "TINTIN PAY.NL", nl("ABNA", "0455667788"), "PAY.NL uitbetaling 1234567 periode 17-03-2026", "psp_payout", [], 0, flag="psp_payout", note="equals Eurofins F2026-0083")

# Q. not a customer payment
BLD = nl("INGB", "0002445588")
M("2026-02-11", "4235.00", "BELASTINGDIENST", BLD, "TERUGGAAF OMZETBELASTING 4E KW 2025 BETALINGSKENMERK " + spaced(kenmerk("812345678900123")), "tax_refund", [], 0, flag="not_a_customer_payment", note="valid 16-digit kenmerk of the tax office; amount equals Van Asten F2026-0043")
M("2026-03-19", "1815.00", "BELASTINGDIENST", BLD, "Teruggaaf VPB 2024 aanslagnr 8123.45.678.V.46.0012", "tax_refund", [], 0, flag="not_a_customer_payment")
M("2026-03-31", "12.37", "RABOBANK", "", "Rente 1e kwartaal 2026", "interest", [], 0, flag="not_a_customer_payment")
M("2026-01-02", "3.41", "Rabobank", "", "Creditrente over periode 01-10-2025 t/m 31-12-2025", "interest", [], 0, flag="not_a_customer_payment")
M("2026-02-02", "5000.00", "Kempen IT Consultancy BV", OWN_SAV, "Overboeking van spaarrekening", "own_transfer", [], 0, flag="not_a_customer_payment")
M("2026-03-02", "2500.00", "KEMPEN IT CONSULTANCY B.V.", OWN_DEP, "Van deposito naar lopende rekening", "own_transfer", [], 0, flag="not_a_customer_payment", note="deposit account not configured; own name")
M("2026-03-20", "1113.20", "KempenIT", OWN_SAV, "spaar", "own_transfer", [], 0, flag="not_a_customer_payment", note="amount equals several invoices")
M("2026-01-15", "25000.00", "QREDITS MICROFINANCIERING NEDERLAND", nl("RABO", "0122446688"), "Uitbetaling lening 2026-004512", "loan_subsidy", [], 0, flag="not_a_customer_payment", note="loan number looks like an invoice number")
M("2026-02-26", "6120.00", "RIJKSDIENST VOOR ONDERNEMEND NEDERLAND", nl("INGB", "0003335577"), "SLIM-subsidie voorschot SLIM26012 3", "loan_subsidy", [], 0, flag="not_a_customer_payment", note="amount equals Hoffmann F2026-0025")
M("2026-03-25", "1815.00", "GEMEENTE SON EN BREUGEL", SON, "Subsidie energiebesparing beschikking 2026/0088", "loan_subsidy", [], 0, flag="not_a_customer_payment", note="from a customer's IBAN with the amount of its F2026-0067")
M("2026-03-09", "2000.00", "UWV", nl("INGB", "0000001111"), "Loonkostenvoordeel 2025 LKV werkgever 8123.45.678.L01", "loan_subsidy", [], 0, flag="not_a_customer_payment")
M("2026-03-17", "1391.50", "ACHMEA SCHADEVERZEKERINGEN NV", nl("INGB", "0000654321"), "Uitkering schade 2026-778812 laptop", "not_customer", [], 0, flag="not_a_customer_payment", note="insurance payout; amount equals De Bruijn F2026-0024 (paid)")

# R. refunds of our own outgoing payments
M("2026-02-24", "1113.20", "KANTOORPARTNER B.V.", nl("RABO", "0155599911"), "/TRTP/SEPA Terugboeking/IBAN/NL00/NAME/KANTOORPARTNER B.V./RTRN/AC04/REMI/factuur 2026-118 Kantoorpartner/EREF/KIT-2026-0211", "refund_own", [], 0, flag="not_a_customer_payment", note="our outgoing payment returned (account closed)")
M("2026-03-09", "1452.00", "DELL TECHNOLOGIES B.V.", nl("INGB", "0006677112"), "Creditnota 8812345 retour laptop", "refund_own", [], 0, note="supplier credit note refund; amount equals several open invoices")
M("2026-02-13", "89.95", "ZIGGO SERVICES B.V.", nl("INGB", "0007788990"), "Terugbetaling dubbele betaling factuur 2026-0041", "refund_own", [], 0, note="their invoice number looks like our F2026-0041")

# S. outgoing (ignored)
M("2026-02-25", "-4850.00", "SALARIS", "", "Netto loon februari", "outgoing")
M("2026-03-01", "-1815.00", "VASTGOED STRIJP-S BV", nl("ABNA", "0498712365"), "Huur kantoor maart F2026-0067", "outgoing", note="outgoing with our invoice number in text")
M("2026-03-12", "-242.00", "DIJKSTRA LOGISTIEK BV", DIJ, "Terugbetaling creditnota F2026-0058", "outgoing")

# T. false friends
M("2026-04-03", "5445.00", "STICHTING STUDENTENHUISVESTING EINDHOVEN", TUE, "Contractnr 2026-0019 kostenplaats 5612AZ", "false_friend_contract", ["F2026-0071"], 0, note="contract number reads as our F2026-0019 (Brainport 1452.00)")
M("2026-03-31", "332.75", "AKKERMANS SCHILDERWERKEN", AKS, "Akkermans tel 040-2123456 | AKKERMANS SCHILDERWERKEN", "false_friend_phone", ["F2026-0079"], 1, note="two open 332.75; F2026-0070 paid by number")
M("2026-03-20", "1936.00", "MEIJER VASTGOEDBEHEER BV", MEI, ing("MEIJER VASTGOEDBEHEER BV", "ict 20260306", MEI), "false_friend_date", ["F2026-0069"], 1, note="date as digits; F2026-0054 paid by number")
M("2026-03-25", "1113.20", "VAN DER HEIJDEN INSTALLATIES BV", VDH, "EUR 1.113,20 termijn maart", "false_friend_amount", ["F2026-0075"], 1, note="F2026-0004 (same amount) paid by number")
M("2026-03-11", "500.00", "A. DE VRIES", nl("INGB", "0005544332"), "factuur 6", "short_reference", [], 0, 0, note="fits several numbers, no amount match")

# U. amount only
M("2026-03-17", "3811.50", "STICHTING DERDENGELDEN BOSCH EN VAN ROOIJ", nl("RABO", "0177788822"), "Afrekening passeren 12-03 dossier 2026.0311", "amount_only", ["F2026-0088"], 0, note="notary's escrow account; unique amount")
M("2026-03-17", "1210.00", "J.P. SMITS", nl("INGB", "0003322110"), "", "amount_only", [], 0, 0, note="1210.00 open at several customers")


# V. regular payments of the regular customers, bank styles
BIC = {"RABO": "RABONL2U", "INGB": "INGBNL2A", "BUNQ": "BUNQNL2A", "KNAB": "KNABNL2H", "TRIO": "TRIONL2U", "ABNA": "ABNANL2A", "BNGH": "BNGHNL2G"}
def styleA(k, name, ib, num, amt):
    d = num[6:]    # "0090"
    up = name.upper().replace(".", "")
    return [
        lambda: (ing(up, f"Factuur {num}", ib), "number_exact"),
        lambda: (abn(ib, BIC[ib[4:8]], up, f"FACTUUR {num}", f"E2E{k:05d}"), "number_exact"),
        lambda: (f"{num.lower()}", "number_exact"),
        lambda: (f"Factuur {num} | {name}", "number_exact"),
        lambda: (f"Ref. {num.replace('-', '')} {name}", "number_mangled"),
        lambda: (camt(f"NOTPROVIDED", f"Inv. {num}"), "number_exact"),
        lambda: (f"fact. {num[1:5]}-{int(d)}", "number_mangled"),
        lambda: (f"{num}.pdf betaald", "number_exact"),
    ][k % 8]()

for k, (key, cid, name, ib) in enumerate(REG):
    num = REG_NUM[k]; amt = REG_AMT[k]
    desc, ph = styleA(k, name, ib, num, amt)
    M(f"2026-03-{12 + k:02d}", amt, name.upper() if k % 2 else name, ib, desc, ph, [num], 1)

# W. second invoices of regular customers, more styles and a few harder cases
REG2_AMT = ["254.10", "998.25", "121.00", "1210.00", "60.50", "2420.00", "574.75", "665.50",
            "3025.00", "199.65", "423.50", "1815.00"]
REG2 = []
for k in range(12):
    key = REG[k][0]
    n = f"F2026-{106 + k:04d}"
    inv(n, key, f"2026-03-{16 + k:02d}", f"2026-03-{30 if k < 1 else 31}", REG2_AMT[k])
    REG2.append(n)
def R(k): return REG[k]
# reg01 Hermans: monthly fee, same amount twice: second payment by month name is not possible; by number
M("2026-03-28", "254.10", R(0)[2].upper(), R(0)[3], ing(R(0)[2].upper(), "F2026-0106 maart", R(0)[3]), "number_exact", ["F2026-0106"], 1, note="same amount as F2026-0090 (paid above)")
# reg02 Van Dommelen pays two listed
M("2026-03-30", "998.25", R(1)[2].upper(), R(1)[3], camt("F2026-0107", "Betaling Van Dommelen Transport"), "endtoend_ref", ["F2026-0107"], 1, note="number only in EndToEndId; 998.25 also Coolen (paid)")
# reg03 Glow: bunq informal
M("2026-03-29", "121.00", "Beautysalon Glow", R(2)[3], "Hoi! factuurtje 108 😊", "short_reference", ["F2026-0108"], 1, note="short number, IBAN + exact amount but F2026-0092 same amount (paid above)")
# reg04 Smits: typo pointing at an existing other invoice
M("2026-03-31", "1210.00", "SMITS BOUWADVIES", R(3)[3], "factuur F2026-0190", "reference_typo", ["F2026-0109"], 0, note="digits swapped 0109->0190 (no such invoice); F2025-0190 is Kinderopvang's; IBAN + amount point to 0109")
# reg05 Scouting: partial, termijn 1
M("2026-03-30", "30.25", "STICHTING SCOUTING GESTEL", R(4)[3], "F2026-0110 termijn 1 van 2", "partial", ["F2026-0110"], 1)
# reg06 Rovers: discount
M("2026-03-31", "2371.60", "TECHNISCH BUREAU ROVERS BV", R(5)[3], abn(R(5)[3], "ABNANL2A", "TECHNISCH BUREAU ROVERS BV", "F2026-0111 -2% betalingskorting"), "short_payment", ["F2026-0111"], 0)
# reg07 Wijnhandel: the invoice number of another customer, exact amount of own
M("2026-03-31", "574.75", "WIJNHANDEL DE KEMPEN VOF", R(6)[3], "F2026-0112", "number_exact", ["F2026-0112"], 1)
# reg08 Orthodontie: English AP
M("2026-03-31", "665.50", "ORTHODONTIE CENTRUM EINDHOVEN BV", R(7)[3], "Payment ref 2026-0113 our ref AP-77812", "english", ["F2026-0113"], 1, note="number without prefix; 665.50 also Dijkstra (paid)")
# reg09 Veldhoven: number and wrong amount of own other invoice -> partial/short?
M("2026-03-31", "3000.00", "VELDHOVEN PRECISION PARTS BV", R(8)[3], "F2026-0114 deel 1", "partial", ["F2026-0114"], 1, note="explicit part payment")
# reg10 Fietsenmakerij: name only from private account
M("2026-03-31", "199.65", "H VAN ROOIJ", nl("INGB", "0006123987"), "fietsenmakerij", "name_amount", ["F2026-0115"], 0, note="private account; F2026-0099 same amount (paid)")
# reg11 Design Studio: amount 423.50 also PLM F2026-0073 (paid above)
M("2026-03-31", "423.50", "DESIGN STUDIO KADE 14", R(10)[3], "betaling", "iban_amount", ["F2026-0116"], 1)
# reg12 Jeugdzorg: SEPA batch with their own 'factuurnummer' of the AP system
M("2026-03-31", "1815.00", "JEUGDZORG ZUIDOOST BRABANT", R(11)[3], "Factuurnr. F2026-0117 Boekingsnr. 2026-0066 Crediteur 4711", "false_friend_booking", ["F2026-0117"], 1, note="booking number looks like our F2026-0066")

# X. a few more hard ones
M("2026-03-24", "4235.00", "STICHTING WOONZORG KEMPENLAND", WZK, "alle openstaande facturen", "multi_subset", ["F2026-0028", "F2026-0081"], 0, note="2 x 2117.50; equals Van Asten F2026-0043 and the VAT refund")
M("2026-03-26", "1300.00", "VAN GERWEN HOLDING BV", HVG, "Betaling namens Van Gerwen Service B.V.", "parent_pays", [], 0, 0, note="no invoice of Van Gerwen Service open for 1300.00 (F2026-0053 paid): on account")

# Y. more
M("2026-03-17", "181.50", "TANDARTSPRAKTIJK DE HURK", TDH, "IT support maart", "monthly_month", ["F2026-0061"], 0)
M("2026-04-02", "726.00", "EUROFINS TESTLAB BEST BV", EUR, "inv. no. F2026/83", "number_mangled", ["F2026-0083"], 1, note="726.00 also the Pay.nl payout")
M("2026-03-27", "605.00", "FitLab Woensel", FIT, "Factuur nr 77", "short_reference", ["F2026-0077"], 1, note="short number, known IBAN, exact amount; F2026-0014 paid in February")
inv("F2026-0118", "son", "2026-03-19", "2026-04-18", "2178.00", ref=rf("F20260118"))
M("2026-04-08", "2178.00", "GEMEENTE SON EN BREUGEL", SON, f"Betaling verplichting 2026-00433 {rf('F20260118')} factuur F2026-0118", "rf_reference", ["F2026-0118"], 1)
inv("F2026-0119", "brp", "2026-03-19", "2026-04-18", "1331.00")
M("2026-04-10", "1331.00", "BRAINPORT PRECISION SYSTEMS B.V.", BRP, "REF 4500123999 INVOICE 2026-0119", "english", ["F2026-0119"], 1)
VOS = nl("TRIO", "0391122334"); cust("vos", "1060", "Vereniging Ondernemers Strijp-S", VOS)
inv("F2026-0121", "vos", "2026-03-19", "2026-04-02", "363.00")
M("2026-03-30", "363.00", "VERENIGING ONDERNEMERS STRIJP-S", VOS, "Ref. KIT/F2026-0121 Vereniging Ondernemers Strijp-S", "number_exact", ["F2026-0121"], 1, note="Triodos; 363.00 also Zwarte Doos (short-paid)")
inv("F2026-0122", "lie", "2026-03-20", "2026-04-03", "2904.00", ref=K("100000020260122"))
M("2026-04-01", "1452.00", "DRUKKERIJ VAN LIESHOUT B.V.", LIE, f"kenmerk {ken('F2026-0122')} eerste helft", "partial", ["F2026-0122"], 1, note="half, with kenmerk")
inv("F2026-0123", "mei", "2026-03-20", "2026-04-03", "847.00")
M("2026-04-02", "847.00", "MEIJER VASTGOEDBEHEER BV", MEI, camt("MVB20260402-7", "2026 0123"), "number_mangled", ["F2026-0123"], 1)
inv("F2026-0124", "bru", "2026-03-20", "2026-04-03", "1210.00")
M("2026-04-03", "1464.10", "ADVOCATENKANTOOR DE BRUIJN", BRU, "F2026-0124 incl btw", "overpayment", ["F2026-0124"], 0, flag="overpayment", note="VAT added twice: 254.10 too much")
M("2026-03-20", "612.00", "OFFICE CENTRE EINDHOVEN BV", nl("ABNA", "0477711122"), camt("KIT-2026-0311-4", "RETOUR Onjuist rekeningnummer (AC01) oorspr. betaling factuur OC-2026-0311"), "refund_own", [], 0, flag="not_a_customer_payment", note="returned outgoing payment")
M("2026-03-22", "-60.50", "STICHTING SCOUTING GESTEL", R(4)[3], "Terugbetaling teveel betaald", "outgoing")
M("2026-03-27", "2214.87", "MOLLIE B.V.", nl("ABNA", "0247325357"), "Uitbetaling st.2233445 Mollie", "psp_payout", [], 0, flag="psp_payout")
# open invoices that nobody pays in this period
inv("F2026-0125", "vdh", "2026-03-24", "2026-04-07", "2420.00")
inv("F2026-0126", "dij", "2026-03-24", "2026-04-23", "1875.50")
inv("F2026-0127", "lam", "2026-03-25", "2026-04-08", "96.80")
inv("F2026-0128", "vvp", "2026-03-25", "2026-04-24", "1633.50", ref=rf("F20260128"))
inv("F2026-0129", "zen", "2026-03-26", "2026-04-25", "3388.00", ref=rf("F20260129"))
inv("F2026-0130", "hof", "2026-03-26", "2026-04-25", "4400.00")
inv("F2026-0131", "tue", "2026-03-27", "2026-04-26", "998.25")
inv("F2026-0132", "str", "2026-03-27", "2026-04-10", "504.17", ref=K("100000020260132"))

# ---- checks and output -------------------------------------------------------------
from itertools import combinations
def subsets(key, target):
    cid = C[key][0]
    rows = [r for r in INV if r[2] == cid and D(r[9]) > 0]
    out = []
    for n in range(1, len(rows) + 1):
        for combo in combinations(rows, n):
            if sum(D(r[9]) for r in combo) == D(target): out.append([r[1] for r in combo])
    return out
for key, t in [("brp", "9075.00"), ("wzk", "2420.00"), ("wzk", "4235.00")]:
    print("subsets", key, t, subsets(key, t), file=sys.stderr)
# sums of listed ones
byid = {r[0]: r for r in INV}
for m in MUT:
    ids = [x for x in m[8].split(";") if x]
    if len(ids) > 1:
        s = sum(D(byid[i][9]) for i in ids)
        print("multi", m[0], m[2], s, file=sys.stderr)
assert len(set(BYNUM)) == len(INV)
out = sys.argv[1]
with open(f"{out}/invoices.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow("invoice_id,number,contact_id,contact_name,contact_ibans,invoice_date,due_date,currency,total,open_amount,payment_reference".split(","))
    w.writerows(INV)
with open(f"{out}/mutations.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow("mutation_id,date,amount,currency,counterparty_name,counterparty_iban,description,phenomenon,expect_invoices,certain,determinable,expect_flag,note".split(","))
    w.writerows(sorted(MUT, key=lambda m: (m[1], m[0])))
print(len(INV), len(MUT), OWN_MAIN, OWN_SAV, OWN_DEP, file=sys.stderr)
