// Caption cleaning applied before tokenising, as each family's reference code does it.

/** ALBEF `pre_caption`: lower-case, drop ,.'!?"()*#:;~, '-' and '/' → space, '<person>' → 'person', squeeze spaces, first max_words words. */
export function cleanAlbef(caption: string, maxWords = 30): string {
  let s = caption
    .toLowerCase()
    .replace(/[,.'!?"()*#:;~]/g, '')
    .replaceAll('-', ' ')
    .replaceAll('/', ' ')
    .replaceAll('<person>', 'person');
  s = squeezeAndTrim(s);
  return truncateWords(s, maxWords);
}

/** LAVIS `BlipCaptionProcessor.pre_caption`: lower-case, .!"()*#:;~ → space, squeeze spaces, first max_words words. */
export function cleanBlip(caption: string, maxWords = 50): string {
  const s = squeezeAndTrim(caption.toLowerCase().replace(/[.!"()*#:;~]/g, ' '));
  return truncateWords(s, maxWords);
}

/** CLIP `whitespace_clean(basic_clean(text))`: collapse runs of whitespace, strip (lower-casing is the tokenizer's). */
export function cleanClip(caption: string): string {
  return caption.replace(/\s+/g, ' ').trim();
}

// Python's re.sub(r"\s{2,}", " ") then .rstrip("\n").strip(" ").
function squeezeAndTrim(s: string): string {
  return s
    .replace(/\s{2,}/g, ' ')
    .replace(/\n+$/, '')
    .replace(/^ +| +$/g, '');
}

function truncateWords(s: string, maxWords: number): string {
  const words = s.split(' ');
  return words.length > maxWords ? words.slice(0, maxWords).join(' ') : s;
}

export type CleanRule = 'albef' | 'blip' | 'clip' | 'none';

export function cleanCaption(rule: CleanRule, caption: string, maxWords?: number): string {
  switch (rule) {
    case 'albef':
      return cleanAlbef(caption, maxWords ?? 30);
    case 'blip':
      return cleanBlip(caption, maxWords ?? 50);
    case 'clip':
      return cleanClip(caption);
    case 'none':
      return caption;
  }
}
