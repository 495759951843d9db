// A fake `window.__TAURI__` for the browser tests: an in-page stand-in for the
// Rust side that follows docs/contracts.md §2 (commands, answers, events) with
// simple validation returning the documented codes. Enough to drive every UI
// path; NOT the rules of record (enrol-core is).
//
// Injected with context.addInitScript before the page's modules load. Options
// come from window.__FAKE_TAURI_CONFIG__ (set by an earlier init script):
//   mode, onScreenKeyboard, idleSeconds, idleWarningSeconds, confirmationReturnSeconds,
//   agencyDepartment, outcome ("email"|"postal"|"queued"|"alreadyEnrolled"|"counsellor"),
//   rustIdle (default true: emit idle-warning / session-expired like Rust),
//   failNext ({command: {errors:[…]}}), today ("2025-06-15").
// Tests read window.__FAKE_TAURI__.calls and can emit events with
// window.__FAKE_TAURI__.emit(name, payload).
(function installFakeTauri() {
  'use strict';
  const config = Object.assign({
    mode: 'tablet',
    onScreenKeyboard: false,
    idleSeconds: 90,
    idleWarningSeconds: 20,
    confirmationReturnSeconds: 60,
    agencyDepartment: '44',
    outcome: null,
    rustIdle: true,
    failNext: {},
    today: '2025-06-15',
    languages: ['fr', 'en'],
    // Step 7's receipt: 'off' | 'button' | 'auto'; `printer: 'fail'` makes print_receipt fail.
    receiptPrint: 'off',
    printer: 'ok',
  }, window.__FAKE_TAURI_CONFIG__ || {});

  // A real QR code of https://loire-atlantique-vendee.msa.fr/ is made by Rust; this stands in.
  const QR_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="#fff"/><rect width="2" height="2" fill="#000"/></svg>';

  const CAISSES = {
    'MSA Ain-Rhône': ['01', '69'],
    'MSA Alpes du Nord': ['38', '73', '74'],
    'MSA Alpes-Vaucluse': ['04', '05', '84'],
    'MSA Alsace': ['67', '68'],
    'MSA Ardèche Drôme Loire': ['07', '26', '42'],
    "MSA d'Armorique": ['22', '29'],
    'MSA Auvergne': ['03', '15', '43', '63'],
    'MSA Beauce Cœur de Loire': ['18', '28', '45'],
    'MSA Berry-Touraine': ['36', '37', '41'],
    'MSA Bourgogne': ['21', '58', '71', '89'],
    'MSA des Charentes': ['16', '17'],
    'MSA de la Corse': ['2A', '2B'],
    'MSA Côtes Normandes': ['14', '50'],
    'MSA Dordogne Lot-et-Garonne': ['24', '47'],
    'MSA Franche-Comté': ['25', '39', '70', '90'],
    'MSA Gironde': ['33'],
    'MSA Grand Sud': ['11', '66'],
    'MSA Haute-Normandie': ['27', '76'],
    'MSA Île-de-France': ['75', '77', '78', '91', '92', '93', '94', '95'],
    'MSA du Languedoc': ['30', '34', '48'],
    'MSA du Limousin': ['19', '23', '87'],
    'MSA Loire-Atlantique-Vendée': ['44', '85'],
    'MSA Lorraine': ['54', '57', '88'],
    'MSA Maine-et-Loire': ['49'],
    'MSA Marne Ardennes Meuse': ['08', '51', '55'],
    'MSA Mayenne-Orne-Sarthe': ['53', '61', '72'],
    'MSA Midi-Pyrénées Nord': ['12', '46', '81', '82'],
    'MSA Midi-Pyrénées Sud': ['09', '31', '32', '65'],
    'MSA Nord-Pas de Calais': ['59', '62'],
    'MSA Picardie': ['02', '60', '80'],
    'MSA Poitou': ['79', '86'],
    'MSA Portes de Bretagne': ['35', '56'],
    'MSA Provence-Azur': ['06', '13', '83'],
    'MSA Sud Aquitaine': ['40', '64'],
    'MSA Sud Champagne': ['10', '52'],
  };
  const NAMES = {
    '01': 'Ain', '02': 'Aisne', '03': 'Allier', '04': 'Alpes-de-Haute-Provence', '05': 'Hautes-Alpes',
    '06': 'Alpes-Maritimes', '07': 'Ardèche', '08': 'Ardennes', '09': 'Ariège', '10': 'Aube', '11': 'Aude',
    '12': 'Aveyron', '13': 'Bouches-du-Rhône', '14': 'Calvados', '15': 'Cantal', '16': 'Charente',
    '17': 'Charente-Maritime', '18': 'Cher', '19': 'Corrèze', '2A': 'Corse-du-Sud', '2B': 'Haute-Corse',
    '21': "Côte-d'Or", '22': "Côtes-d'Armor", '23': 'Creuse', '24': 'Dordogne', '25': 'Doubs', '26': 'Drôme',
    '27': 'Eure', '28': 'Eure-et-Loir', '29': 'Finistère', '30': 'Gard', '31': 'Haute-Garonne', '32': 'Gers',
    '33': 'Gironde', '34': 'Hérault', '35': 'Ille-et-Vilaine', '36': 'Indre', '37': 'Indre-et-Loire',
    '38': 'Isère', '39': 'Jura', '40': 'Landes', '41': 'Loir-et-Cher', '42': 'Loire', '43': 'Haute-Loire',
    '44': 'Loire-Atlantique', '45': 'Loiret', '46': 'Lot', '47': 'Lot-et-Garonne', '48': 'Lozère',
    '49': 'Maine-et-Loire', '50': 'Manche', '51': 'Marne', '52': 'Haute-Marne', '53': 'Mayenne',
    '54': 'Meurthe-et-Moselle', '55': 'Meuse', '56': 'Morbihan', '57': 'Moselle', '58': 'Nièvre', '59': 'Nord',
    '60': 'Oise', '61': 'Orne', '62': 'Pas-de-Calais', '63': 'Puy-de-Dôme', '64': 'Pyrénées-Atlantiques',
    '65': 'Hautes-Pyrénées', '66': 'Pyrénées-Orientales', '67': 'Bas-Rhin', '68': 'Haut-Rhin', '69': 'Rhône',
    '70': 'Haute-Saône', '71': 'Saône-et-Loire', '72': 'Sarthe', '73': 'Savoie', '74': 'Haute-Savoie',
    '75': 'Paris', '76': 'Seine-Maritime', '77': 'Seine-et-Marne', '78': 'Yvelines', '79': 'Deux-Sèvres',
    '80': 'Somme', '81': 'Tarn', '82': 'Tarn-et-Garonne', '83': 'Var', '84': 'Vaucluse', '85': 'Vendée',
    '86': 'Vienne', '87': 'Haute-Vienne', '88': 'Vosges', '89': 'Yonne', '90': 'Territoire de Belfort',
    '91': 'Essonne', '92': 'Hauts-de-Seine', '93': 'Seine-Saint-Denis', '94': 'Val-de-Marne', '95': "Val-d'Oise",
  };
  const caisseOf = {};
  for (const [caisse, codes] of Object.entries(CAISSES)) for (const code of codes) caisseOf[code] = caisse;
  const DEPARTMENTS = Object.keys(NAMES).map((code) => ({ code, name: NAMES[code], caisse: caisseOf[code] }));

  const CGU_TEXT = [
    'Article 1 – Objet. Les présentes conditions générales d\'utilisation encadrent l\'accès à « Mon espace privé » sur msa.fr.',
    'Article 2 – Compte personnel. Le compte est strictement personnel. Vous vous engagez à garder votre mot de passe secret.',
    'Article 3 – Données personnelles. La MSA traite vos données pour gérer votre compte et vos démarches. Elle ne les cède pas à des tiers à des fins commerciales.',
    'Article 4 – Vos droits. Vous pouvez accéder à vos données, les faire corriger et fermer votre compte à tout moment.',
    'Article 5 – Disponibilité. Le service peut être interrompu pour maintenance.',
    'Article 6 – Évolution. Les conditions peuvent évoluer ; la nouvelle version vous sera présentée.',
  ].join('\n\n');
  let cguVersion = 'sha256:0123456789abcdef';

  const ORDER = ['nir', 'identity', 'verification', 'department', 'review'];
  const calls = [];
  const listeners = {};
  let session = null;
  let idleTimers = [];

  const err = (code, field) => ({ code, field: field || null, key: `error.${code}` });
  const reject = (errors) => Promise.reject({ errors });
  const today = new Date(`${config.today}T12:00:00Z`);

  function emit(name, payload) {
    for (const cb of (listeners[name] || []).slice()) cb({ event: name, id: 1, payload });
  }

  function clearIdle() {
    for (const id of idleTimers) clearTimeout(id);
    idleTimers = [];
  }

  function armIdle() {
    clearIdle();
    if (!config.rustIdle || !session) return;
    const idle = config.idleSeconds * 1000;
    const warn = config.idleWarningSeconds * 1000;
    idleTimers.push(setTimeout(() => emit('idle-warning', { secondsLeft: config.idleWarningSeconds }), idle));
    idleTimers.push(setTimeout(() => { session = null; clearIdle(); emit('session-expired', null); }, idle + warn));
  }

  function requireSession() {
    if (!session) throw { errors: [err('session.expired')] };
  }

  function requireBefore(step) {
    requireSession();
    for (const s of ORDER.slice(0, ORDER.indexOf(step))) {
      if (s !== 'review' && !session.answers[s]) throw { errors: [err('session.outOfOrder')] };
    }
  }

  function next(step) {
    if (session.reviewReached) return 'review';
    return ORDER[ORDER.indexOf(step) + 1];
  }

  // ---------- validation (simplified rules, documented codes) ----------
  function nirKey(n13) {
    const num = BigInt(n13.replace('2A', '19').replace('2B', '18'));
    return Number(97n - (num % 97n));
  }

  function parseNir(input) {
    const s = String(input || '').replace(/[\s.]/g, '').toUpperCase();
    if (!s) return [null, err('nir.empty', 'nir')];
    if (s.length !== 13 && s.length !== 15) return [null, err('nir.length', 'nir')];
    if (!/^[0-9]{5}(2A|2B|[0-9]{2})[0-9]{6}([0-9]{2})?$/.test(s)) return [null, err('nir.format', 'nir')];
    const n13 = s.slice(0, 13);
    if (s.length === 15 && Number(s.slice(13)) !== nirKey(n13)) return [null, err('nir.checksum', 'nir')];
    if ('5678'.includes(n13[0])) return [null, err('nir.counsellor', 'nir')];
    if (!'1234'.includes(n13[0])) return [null, err('nir.structure', 'nir')];
    const month = Number(n13.slice(3, 5));
    if (month === 0 || (month > 12 && month < 20)) return [null, err('nir.structure', 'nir')];
    return [n13, null];
  }

  function group(n13) {
    return [n13.slice(0, 1), n13.slice(1, 3), n13.slice(3, 5), n13.slice(5, 7), n13.slice(7, 10), n13.slice(10, 13)].join(' ');
  }

  function parseName(field, input) {
    const s = String(input || '').trim();
    if (!s) return err('name.empty', field);
    if (s.length > 60) return err('name.tooLong', field);
    if (!/^[\p{L}][\p{L}'’\- ]*$/u.test(s)) return err('name.characters', field);
    return null;
  }

  function parseDate(field, day, month, year) {
    const d = String(day || '').trim(); const m = String(month || '').trim(); const y = String(year || '').trim();
    if (!d || !m || !y) return [null, err('date.incomplete', field)];
    if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return [null, err('date.invalid', field)];
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(m) - 1) return [null, err('date.invalid', field)];
    if (date > today) return [null, err('date.future', field)];
    return [date, null];
  }

  const TYPOS = { 'gmial.com': 'gmail.com', 'gmal.com': 'gmail.com', 'gamil.com': 'gmail.com', 'hotmial.com': 'hotmail.com', 'wanadoo.fe': 'wanadoo.fr', 'orange.fe': 'orange.fr', 'laposte.nte': 'laposte.net' };

  function mask(email) {
    const [local, domain] = email.split('@');
    const dot = domain.lastIndexOf('.');
    return `${local[0]}•••@${domain[0]}•••${domain.slice(dot)}`;
  }

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }

  // ---------- commands ----------
  const commands = {
    kiosk_info() {
      return {
        version: '0.0.0-test',
        mode: config.mode,
        languages: config.languages,
        agencyDepartment: config.agencyDepartment,
        idleSeconds: config.idleSeconds,
        idleWarningSeconds: config.idleWarningSeconds,
        confirmationReturnSeconds: config.confirmationReturnSeconds,
        onScreenKeyboard: config.onScreenKeyboard,
        receiptPrint: config.receiptPrint,
      };
    },
    start_session() {
      session = { answers: {}, values: {}, reviewReached: false, tries: 0 };
      armIdle();
      return { step: 'nir' };
    },
    cancel_session() {
      session = null;
      clearIdle();
      return null;
    },
    report_activity() {
      requireSession();
      armIdle();
      return { idleSeconds: config.idleSeconds, idleWarningSeconds: config.idleWarningSeconds };
    },
    submit_nir(args) {
      requireBefore('nir');
      const [n13, e] = parseNir(args && args.nir);
      if (e) throw { errors: [e] };
      session.answers.nir = n13;
      session.values.nir = { nir: args.nir };
      return { next: next('nir'), nirDisplay: group(n13) };
    },
    submit_identity(args) {
      requireBefore('identity');
      const a = args || {};
      const errors = [];
      const last = parseName('lastName', a.lastName); if (last) errors.push(last);
      const first = parseName('firstName', a.firstName); if (first) errors.push(first);
      const [birth, be] = parseDate('birthDate', a.birthDay, a.birthMonth, a.birthYear);
      if (be) errors.push(be);
      else {
        const nir = session.answers.nir;
        if (birth.getUTCFullYear() < 1900) errors.push(err('birthDate.implausible', 'birthDate'));
        else {
          const yy = String(birth.getUTCFullYear()).slice(2);
          const nirMonth = Number(nir.slice(3, 5));
          if (yy !== nir.slice(1, 3) || (nirMonth >= 1 && nirMonth <= 12 && nirMonth !== birth.getUTCMonth() + 1)) {
            errors.push(err('birthDate.nirMismatch', 'birthDate'));
          }
        }
      }
      const email = String(a.email || '').trim();
      if (!email) errors.push(err('email.empty', 'email'));
      else if (email.length > 254) errors.push(err('email.tooLong', 'email'));
      else if (!/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(email)) errors.push(err('email.format', 'email'));
      const phone = String(a.phone || '').replace(/[\s.-]/g, '');
      if (phone && !/^(0[67]\d{8}|\+33[67]\d{8})$/.test(phone)) errors.push(err('phone.format', 'phone'));
      if (errors.length) throw { errors };
      const domain = email.split('@')[1].toLowerCase();
      if (!a.keepEmailAsTyped && TYPOS[domain]) {
        return { next: 'identity', emailSuggestion: `${email.split('@')[0]}@${TYPOS[domain]}` };
      }
      session.answers.identity = { lastName: a.lastName.trim(), firstName: a.firstName.trim(), birthDate: iso(birth), email, phone: phone || null };
      session.values.identity = {
        lastName: a.lastName, firstName: a.firstName, birthDay: a.birthDay, birthMonth: a.birthMonth,
        birthYear: a.birthYear, email: a.email, phone: a.phone, keepEmailAsTyped: Boolean(a.keepEmailAsTyped),
      };
      return { next: next('identity') };
    },
    submit_verification(args) {
      requireBefore('verification');
      const a = args || {};
      const kind = a.kind || '';
      let masked = '';
      if (!['vitalePhoto', 'vitaleNoPhoto', 'childBirthDate', 'paymentAmount', 'none'].includes(kind)) {
        throw { errors: [err('verification.choose', 'verificationKind')] };
      }
      if (kind === 'vitalePhoto' || kind === 'vitaleNoPhoto') {
        let v = String(a.value || '').replace(/\s/g, '');
        if (!v) throw { errors: [err('vitale.empty', 'vitaleSerial')] };
        if (!/^\d+$/.test(v)) throw { errors: [err('vitale.characters', 'vitaleSerial')] };
        if (kind === 'vitalePhoto') {
          if (v.length === 21 && v.startsWith('8025000002')) v = v.slice(10);
          if (v.length !== 11) throw { errors: [err('vitale.photoLength', 'vitaleSerial')] };
        } else if (v.length < 8 || v.length > 13) throw { errors: [err('vitale.noPhotoLength', 'vitaleSerial')] };
        masked = `${'•'.repeat(v.length - 3)}${v.slice(-3)}`;
      }
      if (kind === 'childBirthDate') {
        const [date, e] = parseDate('childBirthDate', a.day, a.month, a.year);
        if (e) throw { errors: [e] };
        if (iso(date) <= session.answers.identity.birthDate) throw { errors: [err('childBirthDate.tooEarly', 'childBirthDate')] };
        masked = '••/••/••••';
      }
      if (kind === 'paymentAmount') {
        const v = String(a.value || '').replace(/[\s€]/g, '');
        if (!v) throw { errors: [err('amount.empty', 'paymentAmount')] };
        if (!/^\d+([.,]\d{1,2})?$/.test(v)) throw { errors: [err('amount.format', 'paymentAmount')] };
        const cents = Math.round(Number(v.replace(',', '.')) * 100);
        if (cents === 0) throw { errors: [err('amount.zero', 'paymentAmount')] };
        if (cents > 10_000_000) throw { errors: [err('amount.tooLarge', 'paymentAmount')] };
        masked = '•••,••\u00a0€';
      }
      session.answers.verification = { kind, masked };
      session.values.verification = { kind, value: a.value, day: a.day, month: a.month, year: a.year };
      return { next: next('verification') };
    },
    list_departments() {
      const agency = DEPARTMENTS.find((d) => d.code === config.agencyDepartment) || null;
      return { agency, all: DEPARTMENTS.slice() };
    },
    submit_department(args) {
      requireBefore('department');
      const code = String((args && args.code) || '').trim().toUpperCase();
      if (!code) throw { errors: [err('department.empty', 'department')] };
      if (code === '976') throw { errors: [err('department.mayotte', 'department')] };
      if (/^97[1-8]$/.test(code)) throw { errors: [err('department.overseas', 'department')] };
      const dep = DEPARTMENTS.find((d) => d.code === code);
      if (!dep) throw { errors: [err('department.unknown', 'department')] };
      session.answers.department = dep;
      session.values.department = { code };
      session.reviewReached = true;
      return { next: 'review' };
    },
    open_step(args) {
      requireSession();
      const step = args && args.step;
      if (!ORDER.includes(step) || step === 'review' || !session.values[step]) throw { errors: [err('session.outOfOrder')] };
      return { step, values: Object.assign({}, session.values[step]), fromReview: session.reviewReached };
    },
    review_summary() {
      requireBefore('review');
      const id = session.answers.identity;
      return {
        nir: group(session.answers.nir),
        lastName: id.lastName,
        firstName: id.firstName,
        birthDate: id.birthDate,
        email: id.email,
        phone: id.phone,
        verification: session.answers.verification,
        department: session.answers.department,
        cgu: { version: cguVersion, text: CGU_TEXT },
      };
    },
    submit_enrolment(args) {
      requireBefore('review');
      const a = args || {};
      if (!a.acceptTerms) throw { errors: [err('terms.notAccepted', 'terms')] };
      if (a.cguVersion !== cguVersion) throw { errors: [err('terms.outdated', 'terms')] };
      const kind = session.answers.verification.kind;
      const outcome = config.outcome || (kind === 'none' ? 'postal' : 'email');
      const result = {
        outcome,
        reference: 'K7Q2-9DF3',
        loginUrl: 'https://loire-atlantique-vendee.msa.fr/',
        qrCode: `data:image/svg+xml;base64,${btoa(QR_SVG)}`,
      };
      if (outcome === 'email') result.maskedEmail = mask(session.answers.identity.email);
      session = null;
      clearIdle();
      return result;
    },
    print_receipt() {
      if (config.printer === 'fail') throw { errors: [err('system.unavailable')] };
      return { printed: true };
    },
  };

  async function invoke(cmd, args) {
    calls.push({ cmd, args: args === undefined ? undefined : JSON.parse(JSON.stringify(args)) });
    await Promise.resolve();
    if (config.failNext && config.failNext[cmd]) {
      const failure = config.failNext[cmd];
      delete config.failNext[cmd];
      return reject(failure.errors);
    }
    const fn = commands[cmd];
    if (!fn) return Promise.reject({ errors: [err('system.internal')] });
    try {
      return fn(args);
    } catch (e) {
      if (e && e.errors) return Promise.reject(e);
      return Promise.reject({ errors: [err('system.internal')] });
    }
  }

  window.__TAURI__ = {
    core: { invoke },
    event: {
      listen(name, cb) {
        (listeners[name] = listeners[name] || []).push(cb);
        return Promise.resolve(() => { listeners[name] = (listeners[name] || []).filter((x) => x !== cb); });
      },
    },
  };
  window.__FAKE_TAURI__ = {
    calls,
    config,
    emit,
    get session() { return session; },
    setCguVersion(v) { cguVersion = v; },
  };
})();
