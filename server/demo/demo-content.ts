// Demo data of the Kreis Kleve coalition. The texts are written for this demo after the
// facts of two real letters (reference/letters/); organisations are real bodies, their
// representatives invented, every e-mail address is on example.org. Office-holders' names
// come from public sources of October 2025 and may be stale: each entry carries a note.
import type { AppealInput } from '../appeals/appeals.service.ts';
import { defaultPublicSettings } from '../appeals/appeals.service.ts';
import { emptyAddresseeValues } from '../addressees/addressees.repository.ts';
import type { AddresseeValues, ListValues } from '../addressees/addressees.repository.ts';
import type { SignatoryInput } from '../signatories/signatories.service.ts';

export const demoOrganiser = { email: 'demo@example.org', name: 'Demo-Koordination Kreis Kleve' };

const demoNote = 'Demo-Daten, Stand Oktober 2025 – vor dem Versand prüfen';
const unverifiedNote = 'Demo-Daten – Amtsinhaber:in nach der Kommunalwahl 2025 unbekannt, bitte prüfen';

type DemoList = { key: string; list: ListValues; entries: AddresseeValues[] };

const entry = (values: Partial<AddresseeValues>): AddresseeValues => ({ ...emptyAddresseeValues(), note: demoNote, ...values });

const mayor = (
  institution: string,
  street: string,
  postcode: string,
  city: string,
  email: string,
  person?: { salutation: 'Herr' | 'Frau'; title?: string; firstName: string; lastName: string; verifiedAt?: string },
) =>
  entry(
    person
      ? {
          salutation: person.salutation,
          title: person.title ?? '',
          firstName: person.firstName,
          lastName: person.lastName,
          function: person.salutation === 'Frau' ? 'Bürgermeisterin' : 'Bürgermeister',
          institution,
          street,
          postcode,
          city,
          email,
          verifiedAt: person.verifiedAt ?? '',
        }
      : // Office-holder unknown: the letter goes to the office ("Stadt Goch · Der Bürgermeister").
        { institution, function: 'Der Bürgermeister', street, postcode, city, email, note: unverifiedNote },
  );

export const demoLists: DemoList[] = [
  {
    key: 'landrat',
    list: {
      name: 'Landrat des Kreises Kleve',
      description: 'Der Landrat als Leiter der Kreisverwaltung.',
      rank: 10,
      groupAddressLine: 'An den Landrat des Kreises Kleve',
      groupSalutation: 'Sehr geehrter Herr Landrat,',
      groupInstitution: 'Kreis Kleve',
      groupRecipient: 'Der Landrat',
      groupStreet: 'Nassauerallee 15–23',
      groupPostcode: '47533',
      groupCity: 'Kleve',
      groupEmail: 'landrat@example.org',
    },
    entries: [
      entry({
        salutation: 'Herr',
        firstName: 'Christoph',
        lastName: 'Gerwers',
        function: 'Landrat',
        institution: 'Kreis Kleve',
        street: 'Nassauerallee 15–23',
        postcode: '47533',
        city: 'Kleve',
        email: 'landrat@example.org',
        note: 'Demo-Daten – im Amt seit Dezember 2022, Stand nach der Kommunalwahl 2025 nicht geprüft',
      }),
    ],
  },
  {
    key: 'kreistag',
    list: {
      name: 'Kreistag Kleve',
      description: 'Fraktionsvorsitzende im Kreistag (erfundene Demo-Personen). Als Gruppe angeschrieben geht der Brief an die Kreisverwaltung, die ihn an alle Mitglieder weiterleitet.',
      rank: 20,
      groupAddressLine: 'An die Mitglieder des Kreistages des Kreises Kleve',
      groupSalutation: 'Sehr geehrte Mitglieder des Kreistages,',
      groupInstitution: 'Kreis Kleve',
      groupRecipient: 'Mitglieder des Kreistages',
      groupStreet: 'Nassauerallee 15–23',
      groupPostcode: '47533',
      groupCity: 'Kleve',
      groupEmail: 'kreistag@example.org',
    },
    entries: [
      entry({ salutation: 'Frau', firstName: 'Hildegard', lastName: 'Verhoeven', function: 'Vorsitzende der CDU-Kreistagsfraktion', institution: 'Kreistag Kleve', street: 'Nassauerallee 15–23', postcode: '47533', city: 'Kleve', email: 'cdu-fraktion@example.org', note: 'Erfundene Demo-Person' }),
      entry({ salutation: 'Herr', firstName: 'Hans-Jürgen', lastName: 'Peters', function: 'Vorsitzender der SPD-Kreistagsfraktion', institution: 'Kreistag Kleve', street: 'Nassauerallee 15–23', postcode: '47533', city: 'Kleve', email: 'spd-fraktion@example.org', note: 'Erfundene Demo-Person' }),
      entry({ salutation: 'Frau', title: 'Dr.', firstName: 'Ute', lastName: 'Brandt', function: 'Vorsitzende der Kreistagsfraktion Bündnis 90/Die Grünen', institution: 'Kreistag Kleve', street: 'Nassauerallee 15–23', postcode: '47533', city: 'Kleve', email: 'gruene-fraktion@example.org', note: 'Erfundene Demo-Person' }),
      entry({ salutation: 'Herr', firstName: 'Tomasz', lastName: 'Wróbel', function: 'Vorsitzender der FDP-Kreistagsfraktion', institution: 'Kreistag Kleve', street: 'Nassauerallee 15–23', postcode: '47533', city: 'Kleve', email: 'fdp-fraktion@example.org', note: 'Erfundene Demo-Person' }),
      entry({ firstName: 'Kim', lastName: 'Kaya', function: 'Vorsitz der Kreistagsfraktion DIE LINKE', institution: 'Kreistag Kleve', street: 'Nassauerallee 15–23', postcode: '47533', city: 'Kleve', email: 'linke-fraktion@example.org', note: 'Erfundene Demo-Person' }),
      entry({ salutation: 'Herr', firstName: 'Michael', lastName: 'Derksen', function: 'Vorsitzender der UKF-Kreistagsfraktion', institution: 'Kreistag Kleve', street: 'Nassauerallee 15–23', postcode: '47533', city: 'Kleve', email: 'ukf-fraktion@example.org', note: 'Erfundene Demo-Person' }),
    ],
  },
  {
    key: 'mayors',
    list: {
      name: 'Bürgermeister:innen im Kreis Kleve',
      description: 'Die Bürgermeisterinnen und Bürgermeister der acht Städte und acht Gemeinden im Kreis Kleve, mit der Anschrift des Rathauses.',
      rank: 30,
      groupAddressLine: 'An die Bürgermeisterinnen und Bürgermeister der Städte und Gemeinden im Kreis Kleve',
      groupSalutation: 'Sehr geehrte Bürgermeisterinnen und Bürgermeister,',
      groupInstitution: '',
      groupRecipient: '',
      groupStreet: '',
      groupPostcode: '',
      groupCity: '',
      groupEmail: '',
    },
    entries: [
      mayor('Stadt Emmerich am Rhein', 'Geistmarkt 1', '46446', 'Emmerich am Rhein', 'buergermeister.emmerich@example.org', { salutation: 'Frau', firstName: 'Claudia', lastName: 'Lindlahr', verifiedAt: '2025-10-15' }),
      mayor('Stadt Geldern', 'Issumer Tor 36', '47608', 'Geldern', 'buergermeister.geldern@example.org', { salutation: 'Herr', firstName: 'Sven', lastName: 'Kaiser', verifiedAt: '2025-10-15' }),
      mayor('Stadt Goch', 'Markt 2', '47574', 'Goch', 'buergermeister.goch@example.org'),
      mayor('Stadt Kalkar', 'Markt 20', '47546', 'Kalkar', 'buergermeister.kalkar@example.org'),
      mayor('Wallfahrtsstadt Kevelaer', 'Peter-Plümpe-Platz 12', '47623', 'Kevelaer', 'buergermeister.kevelaer@example.org', { salutation: 'Herr', title: 'Dr.', firstName: 'Dominik', lastName: 'Pichler', verifiedAt: '2023-06-30' }),
      mayor('Stadt Kleve', 'Minoritenplatz 1', '47533', 'Kleve', 'buergermeister.kleve@example.org'),
      mayor('Stadt Rees', 'Markt 1', '46459', 'Rees', 'buergermeister.rees@example.org', { salutation: 'Herr', firstName: 'Sebastian', lastName: 'Hense', verifiedAt: '2023-12-31' }),
      mayor('Stadt Straelen', 'Rathausstraße 1', '47638', 'Straelen', 'buergermeister.straelen@example.org', { salutation: 'Herr', firstName: 'Bernd', lastName: 'Kuse', verifiedAt: '2025-10-15' }),
      mayor('Gemeinde Bedburg-Hau', 'Rathausplatz 1', '47551', 'Bedburg-Hau', 'buergermeister.bedburg-hau@example.org', { salutation: 'Herr', firstName: 'Stephan', lastName: 'Reinders', verifiedAt: '2020-09-30' }),
      mayor('Gemeinde Issum', 'Herrlichkeit 7–9', '47661', 'Issum', 'buergermeister.issum@example.org'),
      mayor('Gemeinde Kerken', 'Dionysiusplatz 4', '47647', 'Kerken', 'buergermeister.kerken@example.org'),
      mayor('Gemeinde Kranenburg', 'Klever Straße 4', '47559', 'Kranenburg', 'buergermeister.kranenburg@example.org'),
      mayor('Gemeinde Rheurdt', 'Rathausstraße 35', '47509', 'Rheurdt', 'buergermeister.rheurdt@example.org', { salutation: 'Herr', firstName: 'Dirk', lastName: 'Ketelaers', verifiedAt: '2020-09-30' }),
      mayor('Gemeinde Uedem', 'Mosterstraße 2', '47589', 'Uedem', 'buergermeister.uedem@example.org', { salutation: 'Herr', firstName: 'Rainer', lastName: 'Weber', verifiedAt: '2019-12-31' }),
      mayor('Gemeinde Wachtendonk', 'Weinstraße 1', '47669', 'Wachtendonk', 'buergermeister.wachtendonk@example.org', { salutation: 'Herr', firstName: 'Paul Robert', lastName: 'Hoene', verifiedAt: '2020-09-30' }),
      mayor('Gemeinde Weeze', 'Cyriakusplatz 13–14', '47652', 'Weeze', 'buergermeister.weeze@example.org', { salutation: 'Herr', firstName: 'Georg', lastName: 'Koenen', verifiedAt: '2025-06-30' }),
    ],
  },
  {
    key: 'landtag',
    list: {
      name: 'Landtag NRW – Integrationsausschuss',
      description: 'Vorsitz des Integrationsausschusses des Landtags Nordrhein-Westfalen (erfundene Demo-Person).',
      rank: 40,
      groupAddressLine: 'An die Vorsitzende des Integrationsausschusses des Landtags Nordrhein-Westfalen',
      groupSalutation: 'Sehr geehrte Frau Vorsitzende,',
      groupInstitution: 'Landtag Nordrhein-Westfalen',
      groupRecipient: 'Vorsitzende des Integrationsausschusses',
      groupStreet: 'Platz des Landtags 1',
      groupPostcode: '40221',
      groupCity: 'Düsseldorf',
      groupEmail: 'integrationsausschuss@example.org',
    },
    entries: [
      entry({
        salutation: 'Frau',
        title: 'Dr. MdL',
        firstName: 'Małgorzata',
        lastName: 'Nowak',
        function: 'Vorsitzende des Integrationsausschusses',
        institution: 'Landtag Nordrhein-Westfalen',
        street: 'Platz des Landtags 1',
        postcode: '40221',
        city: 'Düsseldorf',
        email: 'integrationsausschuss@example.org',
        note: 'Erfundene Demo-Person',
      }),
    ],
  },
];

export type DemoAppeal = {
  slug: string;
  input: AppealInput;
  signatories: SignatoryInput[];
  lists: { key: string; collective: boolean }[];
};

const org = (
  name: string,
  shortName: string,
  representativeName: string,
  representativeFunction: string,
  representativeEmail: string,
  address: string,
): SignatoryInput => ({
  organisation: { name, shortName, website: '', address },
  representative: { representativeName, representativeFunction, representativeEmail },
});

const aufrufBody = `der Kreis Kleve ist seit Jahren eine Region, in die Menschen zuwandern. Lebten hier 1990 rund 17.200 Menschen mit ausländischer Staatsangehörigkeit, so waren es Ende 2015 bereits 41.655.[^1] In den Jahren 2015 und 2016 hat das Land dem Kreis zudem 4.478 Asylsuchende zugewiesen.

Damit Zuwanderung gelingt, braucht es mehr als guten Willen. Wer hier neu ankommt, braucht Sprache, Bildung, Arbeit und Wohnung – und die vielen Stellen, die dabei helfen, brauchen Abstimmung. Ausländerbehörde, Jobcenter, Schulen, Kitas, Beratungsstellen, Sprachkursträger, Vereine und Ehrenamtliche leisten viel. Oft wissen sie aber zu wenig voneinander, und manche Arbeit wird doppelt getan, während anderes liegen bleibt.

**Integration ist kein Zufall.** Sie gelingt dort, wo eine Kommune sie als Querschnittsaufgabe plant und steuert. Im Kreis Kleve fehlen bisher ein gemeinsames Integrationskonzept, ein Überblick über Bedarfe und Angebote und eine Stelle, die Fachkräfte und Ehrenamtliche unterstützt und fortbildet.

## Was ein Kommunales Integrationszentrum leisten kann

Das Land Nordrhein-Westfalen fördert nach § 7 des Teilhabe- und Integrationsgesetzes vom 14.02.2012 Kommunale Integrationszentren in Kreisen und kreisfreien Städten.[^2] Ein solches Zentrum

- berät und unterstützt Schulen, Kitas, Verwaltungen und Vereine, damit sie Zugewanderte gut erreichen,
- verbessert die Bildungschancen von Kindern und Jugendlichen von der frühen Förderung bis zum Übergang in Ausbildung und Beruf,
- verbindet die Akteure vor Ort und stärkt das Ehrenamt in der Flüchtlingshilfe.

Nach der geltenden Förderrichtlinie[^3] kann das Land bis zu 6,5 Personalstellen und Sachkosten eines Zentrums in Trägerschaft des Kreises fördern. Über das Programm KOMM-AN NRW kämen ein bis zwei weitere Stellen zur Stärkung des Ehrenamts hinzu.

51 von 52 Kreisen und kreisfreien Städten in Nordrhein-Westfalen haben ein Kommunales Integrationszentrum eingerichtet. Der Kreis Kleve ist der einzige, der auf diese Förderung bisher verzichtet.

## Unsere Bitte

Wir bitten Sie daher:

1. sich für die Einrichtung eines Kommunalen Integrationszentrums im Kreis Kleve einzusetzen,
2. die Fördermittel des Landes und des Programms KOMM-AN NRW zu beantragen und
3. die Städte und Gemeinden, die Wohlfahrtsverbände, Gewerkschaften und Initiativen an seinem Aufbau zu beteiligen.

Für Gespräche stehen wir Ihnen gern zur Verfügung.

[^1]: Die größten Gruppen bilden Staatsangehörige der Niederlande (15.428) und Polens (9.809).
[^2]: Gesetz zur Förderung der gesellschaftlichen Teilhabe und Integration in Nordrhein-Westfalen (Teilhabe- und Integrationsgesetz) vom 14.02.2012.
[^3]: Richtlinie über die Förderung von Kommunalen Integrationszentren, Gemeinsamer Runderlass des Ministeriums für Arbeit, Integration und Soziales und des Ministeriums für Schule und Weiterbildung.`;

const antragBody = `die SPD-Kreistagsfraktion, die Kreistagsfraktion Bündnis 90/Die Grünen, die Kreistagsfraktion DIE LINKE / PIRATEN und die UKF-Kreistagsfraktion stellen folgenden Antrag:

1. Der Kreistag beschließt, beim Land Nordrhein-Westfalen die Einrichtung eines Kommunalen Integrationszentrums für den Kreis Kleve zu beantragen.
2. Der Kreistag beauftragt die Verwaltung, die dafür nötigen Schritte sofort einzuleiten und die Förderanträge so rechtzeitig zu stellen, dass der Kreis Kleve in vollem Umfang vom Landesprogramm „KOMM-AN NRW“ profitiert.
3. Für den Eigenanteil werden im Haushalt 2027 Mittel in Höhe von 50.000 EUR bereitgestellt.

## Begründung:

Mit § 7 des Teilhabe- und Integrationsgesetzes hat der Landtag den Kreisen und kreisfreien Städten die Möglichkeit gegeben, ihre Integrationsarbeit in Kommunalen Integrationszentren zu bündeln. Diese Zentren schaffen einen Überblick über Angebote und Bedarfe, bringen Verwaltung, freie Träger und Migrantenorganisationen zusammen und stärken vor allem die Integration durch Bildung.

Mit dem Programm „KOMM-AN NRW“ unterstützt das Land zusätzlich Städte, Gemeinden und Ehrenamtliche in der Flüchtlingshilfe, etwa durch Treffpunkte, an denen Geflüchtete eine erste Orientierung in ihrem neuen Umfeld erhalten. Hauptamtliche Stellen in den Kommunalen Integrationszentren sollen dieses Ehrenamt begleiten.

Die antragstellenden Fraktionen fordern ein Kommunales Integrationszentrum für den Kreis Kleve seit Langem. Die guten Erfahrungen der übrigen Kreise und kreisfreien Städte in Nordrhein-Westfalen bestärken uns darin, dass der Kreis Kleve dieses Angebot dringend braucht.`;

export const demoAppeals: DemoAppeal[] = [
  {
    slug: 'kleve-aufruf-integration',
    input: {
      kind: 'aufruf',
      coalitionName: 'Aktionsbündnis für Integration im Kreis Kleve',
      title: 'Integration braucht Struktur – Gemeinsamer Aufruf für ein Kommunales Integrationszentrum im Kreis Kleve',
      subtitle: '',
      place: 'Kleve',
      letterDate: '',
      reference: '',
      salutationOverride: '',
      body: aufrufBody,
      closing: 'Mit freundlichen Grüßen',
      contactName: 'Andrea Beispiel',
      contactFunction: 'Koordination des Aktionsbündnisses',
      contactEmail: 'koordination@example.org',
      contactPhone: '02821 000000',
      ccLines: '',
      attachmentLines: '',
      listFirstSignatories: true,
      ...defaultPublicSettings,
      // The public page from signing on, and the letter names its supporters (see demo-supporters.ts).
      publicPage: true,
      publicFrom: 'signing',
      letterNamesSupporters: true,
      letterCountsCitizens: true,
    },
    signatories: [
      org('AWO Kreisverband Kleve e.V.', 'AWO', 'Małgorzata Kowalska', 'Vorsitzende', 'vorsitz.awo@example.org', 'Musterstraße 1\n47533 Kleve'),
      org('Caritasverband Geldern-Kevelaer e.V.', 'Caritas', 'Andreas Brinkmann', 'Vorstand', 'vorstand.caritas-gk@example.org', 'Beispielweg 2\n47608 Geldern'),
      org('Caritasverband Kleve e.V.', 'Caritas Kleve', 'Rainer Janssen', 'Vorstand', 'vorstand.caritas-kleve@example.org', 'Beispielweg 3\n47533 Kleve'),
      org('Diakonie im Kirchenkreis Kleve e.V.', 'Diakonie', 'Jana Dvořák', 'Geschäftsführerin', 'gf.diakonie@example.org', 'Musterallee 4\n47574 Goch'),
      org('DGB Kreisverband Kleve', 'DGB', 'Rolf Terhoeven', 'Vorsitzender', 'vorsitz.dgb@example.org', 'Musterplatz 5\n47533 Kleve'),
      org('GEW-Kreisverband Kleve', 'GEW', 'Ayşe Yılmaz', 'Vorsitzende', 'vorsitz.gew@example.org', 'Schulstraße 6\n47533 Kleve'),
      org('KAB Bezirksverband Kleve', 'KAB', 'Dietmar van de Loo', 'Bezirkssekretär', 'bezirk.kab@example.org', 'Kirchplatz 7\n47623 Kevelaer'),
      org('Verband Bildung und Erziehung Kreisverband Kleve', 'VBE', 'Bernd Hülsmann', 'Vorsitzender', 'vorsitz.vbe@example.org', 'Lehrerweg 8\n47608 Geldern'),
    ],
    lists: [
      { key: 'landrat', collective: false },
      { key: 'kreistag', collective: true },
      { key: 'mayors', collective: false },
      { key: 'landtag', collective: false },
    ],
  },
  {
    slug: 'kleve-antrag-kiz',
    input: {
      kind: 'antrag',
      coalitionName: 'SPD, Bündnis 90/Die Grünen, DIE LINKE / PIRATEN und UKF im Kreistag Kleve',
      title: 'Antrag zum Kreishaushalt 2027: Kommunales Integrationszentrum für den Kreis Kleve',
      subtitle: 'Antrag zur Sitzung des Kreisausschusses am 04.02.2027 und des Kreistages am 25.02.2027',
      place: 'Kleve',
      letterDate: '',
      reference: 'KIZ 2027',
      salutationOverride: '',
      body: antragBody,
      closing: 'Mit freundlichen Grüßen',
      contactName: 'Hans-Jürgen Peters',
      contactFunction: 'Vorsitzender der SPD-Kreistagsfraktion',
      contactEmail: 'spd-fraktion@example.org',
      contactPhone: '02821 000001',
      ccLines: 'CDU-Kreistagsfraktion\nFDP-Kreistagsfraktion',
      attachmentLines: '',
      listFirstSignatories: false,
      ...defaultPublicSettings,
    },
    signatories: [
      org('SPD-Kreistagsfraktion Kleve', 'SPD', 'Hans-Jürgen Peters', 'Vorsitzender der SPD-Fraktion', 'spd-fraktion@example.org', ''),
      org('Kreistagsfraktion Bündnis 90/Die Grünen Kleve', 'Grüne', 'Dr. Ute Brandt', 'Vorsitzende der Fraktion Bündnis 90/Die Grünen', 'gruene-fraktion@example.org', ''),
      org('Kreistagsfraktion DIE LINKE / PIRATEN Kleve', 'LINKE/PIRATEN', 'Kim Kaya', 'Vorsitz der Fraktion DIE LINKE / PIRATEN', 'linke-fraktion@example.org', ''),
      org('UKF-Kreistagsfraktion Kleve', 'UKF', 'Michael Derksen', 'Vorsitzender der UKF-Fraktion', 'ukf-fraktion@example.org', ''),
    ],
    lists: [{ key: 'landrat', collective: false }],
  },
];
